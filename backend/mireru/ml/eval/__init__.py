"""Evaluation metrics over model outputs: retrieval (recall@k, precision@k, mAP@R)."""
