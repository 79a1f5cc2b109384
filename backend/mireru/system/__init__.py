"""System: health of the database, pgvector, Redis and workers."""
