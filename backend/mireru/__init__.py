"""Mireru: annotate images with text and sensor data, train models on them, search and serve."""

__version__ = "0.1.0"
