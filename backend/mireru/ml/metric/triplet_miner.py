"""SearchTripletMiner: triplets from a similar-vector search over the whole training set.

Every training image is a query against all training images (itself left out). Its positives are
the other images of its target (identity or class); everything else is negative. Ideally every
positive ranks above every negative, so a query's *violations* are the negatives that rank above
one of its positives: with p* its hardest (least similar) positive, the negatives n with
sim(q, n) > sim(q, p*). Each gives a triplet (q, p, n) with a positive triplet loss: p is p*
(positive="hardest"), or a random positive that is less similar to q than n is, plus the margin
(positive="random": with large classes the hardest positive is often an outlier, a noisy target).

Per query, at most `max_per_query` triplets are kept, hardest violations first (search order).
`semi_hard_share` of those slots go to *semi-hard* negatives instead: ranked below p* but within
the margin, sim(q, p*) - margin < sim(q, n) <= sim(q, p*), which still give a non-zero loss and
steady gradients once few violations are left. Unused slots of one kind go to the other (with a
share of 0, none go to semi-hard negatives).

Limits, on purpose: only the top `k` search results are looked at (enough for the capped, hardest
triplets); p* is found among at most `max_positives` positives per query (a random sample of a
larger class, exact for identities and small classes).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch

from mireru.ml.metric.class_index import ClassIndex
from mireru.ml.metric.vector_search import VectorSearch


@dataclass(frozen=True)
class MinedTriplets:
    """Triplets as index tensors (CPU) into the mined set, and what mining found."""

    anchors: torch.Tensor
    positives: torch.Tensor
    negatives: torch.Tensor
    queries: int  # queries with at least one positive (the others cannot form a triplet)
    violating_queries: int  # of those, with at least one violation in their top k
    violations: int  # violating negatives found in all top-k lists, before the cap
    semi_hard: int  # semi-hard triplets kept
    search_s: float  # building the index and searching
    engine: str  # the engine's one-line description

    def __len__(self) -> int:
        return int(self.anchors.numel())

    @property
    def violation_share(self) -> float:
        return self.violating_queries / self.queries if self.queries else 0.0


class SearchTripletMiner:
    """`engine` makes a fresh VectorSearch per mining round (exact, IVF, ...)."""

    def __init__(
        self,
        engine: Callable[[], VectorSearch],
        k: int = 50,
        max_per_query: int = 5,
        semi_hard_share: float = 0.0,
        margin: float = 0.2,
        max_positives: int = 64,
        positive: Literal["hardest", "random"] = "hardest",
        seed: int = 0,
    ) -> None:
        if k < 1 or max_per_query < 1 or max_positives < 1:
            raise ValueError("k, max_per_query and max_positives must be >= 1")
        if not 0.0 <= semi_hard_share <= 1.0:
            raise ValueError(f"semi_hard_share must be in [0, 1], got {semi_hard_share}")
        self.engine = engine
        self.k = k
        self.max_per_query = min(max_per_query, k)
        self.semi_hard_share = semi_hard_share
        self.margin = margin
        self.max_positives = max_positives
        self.positive = positive
        self.seed = seed

    def _positives(
        self, x: torch.Tensor, q: torch.Tensor, table: torch.Tensor, dense: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(c, m) candidate positives of queries `q` and their scores (+inf where none)."""
        cand = table[dense[q]]
        ok = (cand >= 0) & (cand != q[:, None])
        scores = torch.einsum("cd,cmd->cm", x[q], x[cand.clamp(min=0)])
        return cand, scores.masked_fill(~ok, float("inf"))

    def _select(
        self, scores: torch.Tensor, negative: torch.Tensor, hardest: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Which search results of a chunk of queries to keep: (keep, violating count per query,
        violating kept, semi-hard kept), hardest first within the per-query cap."""
        violating = negative & (scores > hardest[:, None])
        semi = negative & ~violating & (scores > hardest[:, None] - self.margin)
        cap = self.max_per_query
        semi_quota = round(cap * self.semi_hard_share)
        viol_quota = cap - semi_quota
        n_viol, n_semi = violating.sum(1), semi.sum(1)
        # Slots one kind leaves unused go to the other (semi-hard ones only when asked for).
        take_viol = torch.minimum(n_viol, viol_quota + (semi_quota - n_semi).clamp(min=0))
        spare = (viol_quota - n_viol).clamp(min=0) * int(self.semi_hard_share > 0)
        take_semi = torch.minimum(n_semi, semi_quota + spare)
        keep_viol = violating & (torch.cumsum(violating.int(), 1) <= take_viol[:, None])
        keep_semi = semi & (torch.cumsum(semi.int(), 1) <= take_semi[:, None])
        return keep_viol | keep_semi, n_viol, keep_viol, keep_semi

    def _pair(
        self,
        neg_scores: torch.Tensor,
        pos_scores: torch.Tensor,
        cand: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """The positive of each kept (query, negative): the query's hardest positive, or with
        positive="random" any positive that makes the triplet violating or semi-hard (less similar
        to the query than the negative is, plus the margin), uniformly."""
        if self.positive == "hardest":
            return cand.gather(1, pos_scores.argmin(dim=1, keepdim=True)).squeeze(1)
        eligible = torch.isfinite(pos_scores) & (pos_scores < neg_scores[:, None] + self.margin)
        noise = torch.rand(pos_scores.shape, generator=generator).to(pos_scores.device)
        # The hardest positive is always eligible, so every row has a choice.
        eligible |= pos_scores == pos_scores.min(dim=1, keepdim=True).values
        return cand.gather(1, (noise * eligible).argmax(dim=1, keepdim=True)).squeeze(1)

    def mine(self, embeddings: torch.Tensor, targets: torch.Tensor) -> MinedTriplets:
        """Triplets for (n, d) L2-normalised `embeddings` with (n,) integer `targets`."""
        n = embeddings.shape[0]
        if targets.shape != (n,):
            raise ValueError(f"{n} embeddings but targets of shape {tuple(targets.shape)}")
        x = embeddings.float()
        device = x.device
        generator = torch.Generator().manual_seed(self.seed)
        classes = ClassIndex(targets)
        started = time.perf_counter()
        engine = self.engine()
        engine.build(x)
        k = min(self.k, n - 1)
        hits = engine.search(x, k + 1) if k > 0 else None
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        search_s = time.perf_counter() - started
        empty = torch.empty(0, dtype=torch.long)
        if hits is None:
            return MinedTriplets(empty, empty, empty, 0, 0, 0, 0, search_s, engine.describe())

        table = classes.members(self.max_positives + 1, generator).to(device)  # +1: the query itself
        dense = classes.dense.to(device)
        t = classes.targets.to(device)
        out: list[list[torch.Tensor]] = [[], [], []]
        queries = violating_queries = violations = semi_hard = 0
        # Queries per chunk: the gathered positives (chunk x m x d floats) stay near 128 MB.
        chunk = max(1, 2**25 // (table.shape[1] * max(1, x.shape[1])))
        for start in range(0, n, chunk):
            q = torch.arange(start, min(n, start + chunk), device=device)
            # Drop each query from its own results (wherever the engine ranked it), keep k.
            scores = hits.scores[q].float().masked_fill(hits.ids[q] == q[:, None], float("-inf"))
            scores, order = torch.sort(scores, dim=1, descending=True, stable=True)
            ids = hits.ids[q].gather(1, order)[:, :k]
            scores = scores[:, :k]
            cand, pos_scores = self._positives(x, q, table, dense)
            hardest = pos_scores.min(dim=1).values
            has_pos = torch.isfinite(hardest)
            found = (ids >= 0) & torch.isfinite(scores)
            negative = found & (t[ids.clamp(min=0)] != t[q][:, None]) & has_pos[:, None]
            keep, n_viol, _, keep_semi = self._select(scores, negative, hardest)
            row, col = keep.nonzero(as_tuple=True)  # row-major: per query, hardest first
            out[0].append(q[row])
            out[1].append(self._pair(scores[row, col], pos_scores[row], cand[row], generator))
            out[2].append(ids[row, col])
            queries += int(has_pos.sum())
            violating_queries += int((n_viol > 0).sum())
            violations += int(n_viol.sum())
            semi_hard += int(keep_semi.sum())
        return MinedTriplets(
            anchors=torch.cat(out[0]).cpu(),
            positives=torch.cat(out[1]).cpu(),
            negatives=torch.cat(out[2]).cpu(),
            queries=queries,
            violating_queries=violating_queries,
            violations=violations,
            semi_hard=semi_hard,
            search_s=search_s,
            engine=engine.describe(),
        )
