"""Retrieval quality of a set of vectors: Recall@K, Precision@K and mAP@R, overall and per class.

Every query is ranked against a gallery by similarity; a gallery item is relevant when it has the
query's target (class or identity). When the queries are (part of) the gallery, each query's own
entry is left out, matched by id. Queries with no relevant gallery item are not scored (counted in
`unanswerable`).

- Recall@K: share of queries with at least one relevant item among their K nearest.
- Precision@K: mean share of relevant items among the K nearest.
- mAP@R (Musgrave et al., "A Metric Learning Reality Check", 2020): with R the number of relevant
  items for a query, AP@R = (1/R) * sum over ranks i <= R of precision@i * relevant(i).

numpy only (no torch), so the API can score stored vectors without loading a deep learning library.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Metric = Literal["cosine", "ip", "l2"]
DEFAULT_KS = (1, 5, 10)
CHUNK = 512


@dataclass(frozen=True)
class ClassScores:
    queries: int
    recall: dict[int, float]
    precision: dict[int, float]
    map_at_r: float


@dataclass(frozen=True)
class RetrievalScores:
    queries: int
    unanswerable: int
    recall: dict[int, float]
    precision: dict[int, float]
    map_at_r: float
    per_class: dict[int, ClassScores] = field(default_factory=dict)

    def flat(self, prefix: str = "") -> dict[str, float]:
        """{"recall@1": ..., "precision@5": ..., "map@r": ...} with an optional key prefix."""
        out = {f"{prefix}recall@{k}": v for k, v in self.recall.items()}
        out.update({f"{prefix}precision@{k}": v for k, v in self.precision.items()})
        out[f"{prefix}map@r"] = self.map_at_r
        return out


def _prepare(vectors: np.ndarray, metric: Metric) -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"vectors must be 2-d (n, dim), got shape {x.shape}")
    if metric == "cosine":
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.maximum(norms, 1e-12)
    return x


def _similarity(q: np.ndarray, g: np.ndarray, g_sq: np.ndarray | None) -> np.ndarray:
    sims: np.ndarray = q @ g.T
    if g_sq is not None:  # l2: -|q-g|^2 up to a per-query constant, which does not change ranks
        sims = 2 * sims - g_sq[None, :]
    return sims


def retrieval_scores(
    query_vectors: np.ndarray,
    query_targets: Sequence[int] | np.ndarray,
    gallery_vectors: np.ndarray | None = None,
    gallery_targets: Sequence[int] | np.ndarray | None = None,
    *,
    query_ids: Sequence[int] | np.ndarray | None = None,
    gallery_ids: Sequence[int] | np.ndarray | None = None,
    ks: Sequence[int] = DEFAULT_KS,
    metric: Metric = "cosine",
    per_class: bool = True,
) -> RetrievalScores:
    """Score queries against a gallery. Without a gallery, the queries are the gallery (each
    query's own vector is left out). With ids, a gallery entry with the query's id is left out."""
    q_targets = np.asarray(query_targets, dtype=np.int64)
    q = _prepare(query_vectors, metric)
    if len(q) != len(q_targets):
        raise ValueError(f"{len(q)} query vectors but {len(q_targets)} query targets")
    q_ids: np.ndarray | None
    g_ids: np.ndarray | None
    if gallery_vectors is None:
        g, g_targets = q, q_targets
        q_ids = g_ids = np.arange(len(q))
    else:
        if gallery_targets is None:
            raise ValueError("a gallery needs its targets")
        g, g_targets = _prepare(gallery_vectors, metric), np.asarray(gallery_targets, dtype=np.int64)
        if len(g) != len(g_targets):
            raise ValueError(f"{len(g)} gallery vectors but {len(g_targets)} gallery targets")
        if g.shape[1] != q.shape[1]:
            raise ValueError(f"queries have {q.shape[1]} dimensions, the gallery {g.shape[1]}")
        q_ids = None if query_ids is None else np.asarray(query_ids, dtype=np.int64)
        g_ids = None if gallery_ids is None else np.asarray(gallery_ids, dtype=np.int64)
        if (q_ids is None) != (g_ids is None):
            raise ValueError("give ids for both the queries and the gallery, or for neither")
    ks = sorted({int(k) for k in ks if k > 0})
    if not ks:
        raise ValueError("ks must hold at least one positive k")
    g_sq = (g * g).sum(axis=1) if metric == "l2" else None
    classes, counts = np.unique(g_targets, return_counts=True)
    relevant_total = dict(zip(classes.tolist(), counts.tolist(), strict=True))

    n = len(q)
    hit = np.zeros((n, len(ks)), dtype=bool)
    prec = np.zeros((n, len(ks)), dtype=np.float64)
    ap = np.zeros(n, dtype=np.float64)
    scored = np.zeros(n, dtype=bool)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        sims = _similarity(q[start:stop], g, g_sq)
        rel_total = np.array([relevant_total.get(t, 0) for t in q_targets[start:stop]], dtype=np.int64)
        if q_ids is not None and g_ids is not None:
            own = g_ids[None, :] == q_ids[start:stop, None]
            own_relevant = (own & (g_targets[None, :] == q_targets[start:stop, None])).sum(axis=1)
            rel_total = rel_total - own_relevant
            sims[own] = -np.inf
        available = np.isfinite(sims).sum(axis=1)
        depth = int(min(sims.shape[1], max(max(ks), int(rel_total.max(initial=0)))))
        if depth == 0:
            continue
        part = np.argpartition(-sims, depth - 1, axis=1)[:, :depth]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-part_sims, axis=1, kind="stable")
        ranked = np.take_along_axis(part, order, axis=1)
        ranked_ok = np.isfinite(np.take_along_axis(part_sims, order, axis=1))
        rel = (g_targets[ranked] == q_targets[start:stop, None]) & ranked_ok
        cum = np.cumsum(rel, axis=1)
        for j, k in enumerate(ks):
            kk = min(k, depth)
            hit[start:stop, j] = cum[:, kk - 1] > 0
            # Fewer than k candidates (tiny galleries): precision over those there are.
            prec[start:stop, j] = cum[:, kk - 1] / np.maximum(1, np.minimum(kk, available))
        positions = np.arange(1, depth + 1)[None, :]
        within_r = positions <= rel_total[:, None]
        precision_at_i = cum / positions
        ap_sum = (precision_at_i * rel * within_r).sum(axis=1)
        ap[start:stop] = np.where(rel_total > 0, ap_sum / np.maximum(1, rel_total), 0.0)
        scored[start:stop] = rel_total > 0

    def summary(mask: np.ndarray) -> tuple[int, dict[int, float], dict[int, float], float]:
        count = int(mask.sum())
        if count == 0:
            nan = float("nan")
            return 0, dict.fromkeys(ks, nan), dict.fromkeys(ks, nan), nan
        recall = {k: float(hit[mask, j].mean()) for j, k in enumerate(ks)}
        precision = {k: float(prec[mask, j].mean()) for j, k in enumerate(ks)}
        return count, recall, precision, float(ap[mask].mean())

    count, recall, precision, map_r = summary(scored)
    by_class: dict[int, ClassScores] = {}
    if per_class:
        for target in np.unique(q_targets[scored]).tolist():
            c_count, c_recall, c_prec, c_map = summary(scored & (q_targets == target))
            by_class[int(target)] = ClassScores(c_count, c_recall, c_prec, c_map)
    return RetrievalScores(count, n - count, recall, precision, map_r, by_class)
