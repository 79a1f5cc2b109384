"""Word vectors (trained word2vec or imported) in pgvector, word queries, and searching images by
words through a deployed keywords model's output vectors."""
