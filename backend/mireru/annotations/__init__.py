"""Annotations: class labels, keywords, boxes, identity and split of items; label classes."""
