"""VectorSearch: the interface the triplet miner searches through. An engine indexes a gallery of
L2-normalised vectors once (`build`), then answers top-k inner-product queries (`search`).

In-memory engines live beside this file (exact, IVF); the platform's pgvector index answers the
same question from PostgreSQL for serving, but mining every training image once per epoch is a
bulk job that a GPU (or BLAS) matrix multiply does far faster than one SQL query per image.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SearchHits:
    """(queries, k) scores, best first, and the gallery positions they belong to; rows with fewer
    than k candidates are padded with score -inf and id -1."""

    scores: torch.Tensor
    ids: torch.Tensor


class VectorSearch(ABC):
    name: str = "search"

    @abstractmethod
    def build(self, gallery: torch.Tensor) -> None:
        """Index (n, d) vectors; ids in the hits are row positions in this tensor."""

    @abstractmethod
    def search(self, queries: torch.Tensor, k: int) -> SearchHits:
        """The k gallery vectors with the largest inner product with each query."""

    @abstractmethod
    def describe(self) -> str:
        """One line for a run's log: the engine, its settings and where it runs."""


def pad_hits(scores: torch.Tensor, ids: torch.Tensor, k: int) -> SearchHits:
    """Pad (q, m) hits with m < k to (q, k) with -inf / -1."""
    missing = k - scores.shape[1]
    if missing <= 0:
        return SearchHits(scores, ids)
    q = scores.shape[0]
    pad_s = torch.full((q, missing), float("-inf"), dtype=scores.dtype, device=scores.device)
    pad_i = torch.full((q, missing), -1, dtype=ids.dtype, device=ids.device)
    return SearchHits(torch.cat([scores, pad_s], 1), torch.cat([ids, pad_i], 1))
