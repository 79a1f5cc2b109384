"""Spherical k-means in torch (cosine similarity, unit-length centroids), on the vectors' device;
the IVF engine's coarse quantiser."""

import torch
import torch.nn.functional as F  # noqa: N812


def assign(vectors: torch.Tensor, centroids: torch.Tensor, chunk: int = 8192) -> torch.Tensor:
    """The nearest centroid (largest inner product) of each vector."""
    out = [
        torch.argmax(vectors[s : s + chunk] @ centroids.T, dim=1) for s in range(0, vectors.shape[0], chunk)
    ]
    return torch.cat(out) if out else torch.empty(0, dtype=torch.long, device=vectors.device)


def spherical_kmeans(
    vectors: torch.Tensor, k: int, iterations: int = 10, seed: int = 0, sample: int | None = None
) -> torch.Tensor:
    """(k, d) unit centroids. `sample` trains on at most that many random vectors (enough for a
    coarse quantiser, and the cost stays flat as the data grows)."""
    n = vectors.shape[0]
    if n == 0:
        raise ValueError("k-means needs at least one vector")
    k = max(1, min(k, n))
    g = torch.Generator().manual_seed(seed)
    x = vectors.float()
    if sample is not None and n > sample:
        x = x[torch.randperm(n, generator=g)[:sample].to(x.device)]
    x = F.normalize(x, dim=1)
    centroids = x[torch.randperm(x.shape[0], generator=g)[:k].to(x.device)].clone()
    for _ in range(iterations):
        labels = assign(x, centroids)
        sums = torch.zeros_like(centroids).index_add_(0, labels, x)
        counts = torch.bincount(labels, minlength=k)
        empty = counts == 0
        if bool(empty.any()):
            # An empty cluster restarts at a random vector, so k lists stay in use.
            refill = torch.randint(0, x.shape[0], (int(empty.sum()),), generator=g).to(x.device)
            sums[empty] = x[refill]
        centroids = F.normalize(sums, dim=1)
    return centroids
