"""The bar an embedding run must clear: the project's active search space (the pretrained space a
new project starts with, or the version deployed last) scored on the run's own validation items,
with the same protocol as the run's `val/*` retrieval metrics (each validation item queries the
training and other validation items, itself left out). Reported as `baseline/space/*` beside the
untrained network's `baseline/*`, so a run shows whether it beats what search serves today.

Only items that have a vector in that space take part (new uploads may still be embedding); the
log line says how many did.
"""

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
from sqlalchemy.orm import Session

from mireru.embeddings import repository as embeddings
from mireru.embeddings.repository import SpaceShape
from mireru.ml.eval.baseline import BASELINE, MEAN_COSINE, VAL, mean_pairwise_cosine
from mireru.ml.eval.retrieval import Metric, retrieval_scores
from mireru.training.dataset import Row, Snapshot

PREFIX = BASELINE + "space/"
MAX_GALLERY = 20_000  # as the embedding tasks cap their gallery


@dataclass(frozen=True)
class SpaceBaseline:
    metrics: dict[str, float]
    note: str


def space_name(monitor: str) -> str:
    """`val/recall@1` -> `baseline/space/recall@1`."""
    return PREFIX + monitor.removeprefix(VAL)


def active_space_baseline(session: Session, project_id: int, snapshot: Snapshot) -> SpaceBaseline | None:
    """None when the project has no ready active space or too few of the run's items are in it."""
    space = embeddings.active_space(session, project_id)
    if space is None or space.status != "ready" or space.dimension is None:
        return None
    gallery_rows: list[Row] = [*snapshot.train[:MAX_GALLERY], *snapshot.val]
    ids, vectors = embeddings.space_vectors(session, SpaceShape.of(space), [r[0] for r in gallery_rows])
    where = {item_id: i for i, item_id in enumerate(ids)}
    queries = [r for r in snapshot.val if r[0] in where]
    gallery = [r for r in gallery_rows if r[0] in where]
    if not queries or len(gallery) < 2:
        return None
    query_vectors = vectors[[where[r[0]] for r in queries]]
    scores = retrieval_scores(
        query_vectors,
        np.array([r[2] for r in queries]),
        vectors[[where[r[0]] for r in gallery]],
        np.array([r[2] for r in gallery]),
        query_ids=np.array([r[0] for r in queries]),
        gallery_ids=np.array([r[0] for r in gallery]),
        ks=(1, 5),
        metric=cast(Metric, space.metric) if space.metric in ("cosine", "ip", "l2") else "cosine",
        per_class=False,
    )
    metrics = {
        PREFIX + "recall@1": scores.recall[1],
        PREFIX + "recall@5": scores.recall[5],
        PREFIX + "map@r": scores.map_at_r,
        PREFIX + MEAN_COSINE: mean_pairwise_cosine(query_vectors),
    }
    metrics = {k: v for k, v in metrics.items() if math.isfinite(v)}
    note = (
        f"the active search space {space.name!r} ({space.model}) on the same validation items "
        f"({len(queries)} of {len(snapshot.val)} have its vectors): Recall@1 {scores.recall[1]:.4g}, "
        f"mAP@R {scores.map_at_r:.4g}"
    )
    return SpaceBaseline(metrics, note)


def below_space(metrics: dict[str, float], baseline: dict[str, float], monitor: str) -> str | None:
    """A sentence when the trained model scores worse than the active space, else None."""
    final, bar = metrics.get(monitor), baseline.get(space_name(monitor))
    if final is None or bar is None or not final < bar:
        return None
    return (
        f"the trained model scores {monitor} {final:.4g}, below the active search space's {bar:.4g} "
        "on the same validation items: deploying it would make search worse"
    )
