"""Jobs: background work (imports, embedding, training) and its progress."""
