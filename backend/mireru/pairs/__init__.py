"""Explicit positive pairs: items a user says show the same person or object."""
