"""Embedding spaces: a feature extractor's vectors for every item of a project, in pgvector, with
the index that search uses; embedding and index builds run as jobs."""
