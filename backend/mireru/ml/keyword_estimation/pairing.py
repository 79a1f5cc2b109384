"""Which output vector stands for which keyword: two ways to pair the rows (outputs) and columns
(keywords) of a distance matrix, each row and each column used at most once, min(n, m) pairs.

- greedy: sorted-distance greedy pairing, as the method was described: the shortest remaining
  pair first, then its output and keyword are taken out, and so on. Ties go to the lower flat
  index (output first, then keyword), so the result is deterministic.
- hungarian: the optimal assignment (least total distance), scipy's linear_sum_assignment.

Greedy can be worse in total: taking a short pair early may force a long one later. The batched
forms take (B, n, M) distances and a (B, M) mask of real keywords (batches pad the keyword lists)
and return a (B, n, M) boolean matrix with True at each pair.
"""

from typing import Literal

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

Pairing = Literal["greedy", "hungarian"]
PAIRINGS: tuple[Pairing, ...] = ("greedy", "hungarian")


def greedy_assignment(dist: torch.Tensor, keyword_mask: torch.Tensor) -> torch.Tensor:
    """Greedy pairing for a whole batch on the distances' device: min(n, M) rounds, each taking
    every image's shortest remaining pair at once (no host round trip per image)."""
    batch, n, m = dist.shape
    remaining = dist.detach().float().masked_fill(~keyword_mask[:, None, :], torch.inf)
    pairs = torch.zeros(batch, n, m, dtype=torch.bool, device=dist.device)
    rows = torch.arange(batch, device=dist.device)
    for _ in range(min(n, m)):
        flat = remaining.reshape(batch, -1)
        best = flat.argmin(dim=1)
        found = torch.isfinite(flat.gather(1, best[:, None])[:, 0])
        out, key = best // m, best % m
        # An image with nothing left gets argmin 0 of an all-inf matrix: OR keeps its earlier pairs.
        pairs[rows, out, key] = pairs[rows, out, key] | found
        # Taking the row and column out of an all-inf matrix changes nothing, so no branch is needed.
        remaining[rows, out, :] = torch.inf
        remaining[rows, :, key] = torch.inf
    return pairs


def hungarian_assignment(dist: torch.Tensor, keyword_mask: torch.Tensor) -> torch.Tensor:
    """The least-total-distance pairing per image (scipy, on the CPU)."""
    batch, n, m = dist.shape
    values = dist.detach().float().cpu().numpy()
    counts = keyword_mask.sum(dim=1).cpu().tolist()
    pairs = np.zeros((batch, n, m), dtype=bool)
    for b, count in enumerate(counts):
        if count:
            # Real keywords come first in each padded row (see data.collate_keywords).
            out, key = linear_sum_assignment(values[b, :, :count])
            pairs[b, out, key] = True
    return torch.from_numpy(pairs).to(dist.device)


def assign(dist: torch.Tensor, keyword_mask: torch.Tensor, pairing: Pairing) -> torch.Tensor:
    if pairing == "greedy":
        return greedy_assignment(dist, keyword_mask)
    if pairing == "hungarian":
        return hungarian_assignment(dist, keyword_mask)
    raise ValueError(f"unknown pairing {pairing!r}; use one of {', '.join(PAIRINGS)}")


def _pairs(dist: torch.Tensor | np.ndarray, pairing: Pairing) -> list[tuple[int, int]]:
    matrix = torch.as_tensor(np.asarray(dist, dtype=np.float32) if isinstance(dist, np.ndarray) else dist)
    if matrix.ndim != 2:
        raise ValueError(f"expected an (outputs, keywords) distance matrix, got shape {tuple(matrix.shape)}")
    mask = torch.ones(1, matrix.shape[1], dtype=torch.bool)
    chosen = assign(matrix[None].float(), mask, pairing)[0].nonzero().tolist()
    return [(int(o), int(k)) for o, k in chosen]


def greedy_pairing(dist: torch.Tensor | np.ndarray) -> list[tuple[int, int]]:
    """(output index, keyword index) pairs of an (n, m) distance matrix, in output order."""
    return _pairs(dist, "greedy")


def hungarian_pairing(dist: torch.Tensor | np.ndarray) -> list[tuple[int, int]]:
    """(output index, keyword index) pairs of the optimal assignment, in output order."""
    return _pairs(dist, "hungarian")
