"""Items: images with metadata, sensor measurements and text."""
