"""Metric learning: triplet loss, triplet mining by similar-vector search over the training set,
the vector-search engines the miner uses, and the baselines it is compared with (classification,
random triplets, online batch-hard)."""
