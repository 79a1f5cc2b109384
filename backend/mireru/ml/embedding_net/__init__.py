"""The `embedding` model kind: fine-tune an image backbone plus a projection head so that images
of the same class (or identity) get nearby L2-normalised vectors; the result feeds a search space."""
