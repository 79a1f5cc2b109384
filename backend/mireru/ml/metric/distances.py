"""Distances between rows of two equally shaped batches of embeddings; losses take one as an
argument, so the same loss works on the unit sphere (cosine) or in plain Euclidean space."""

from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: N812

Distance = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def cosine_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """1 - cosine similarity: 0 for the same direction, 2 for opposite ones."""
    return 1.0 - F.cosine_similarity(a, b, dim=-1)


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # The small epsilon keeps the gradient of sqrt finite when a == b.
    return ((a - b).pow(2).sum(dim=-1) + 1e-12).sqrt()


DISTANCES: dict[str, Distance] = {"cosine": cosine_distance, "euclidean": euclidean_distance}
