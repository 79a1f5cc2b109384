"""The `classifier` model kind: an image backbone plus a classification head over a project's
label classes, optionally fused with the items' numeric measurements (sensor readings)."""
