"""Embedded PostgreSQL (with pgvector) and Redis for the default, zero-configuration install."""
