"""Retrieval quality of a space: its stored vectors of the items in some splits, scored by
Recall@K, Precision@K and mAP@R (overall and per class); when the space was built from a model
version, the metrics are written onto that version ("eval/recall@1", ...).

It runs in the request, bounded by `MAX_API_ITEMS` (a few seconds of numpy at most); the CLI
(`mireru eval retrieval`) runs the same code without the bound. Never commits.
"""

import math

from sqlalchemy.orm import Session

from mireru.embeddings import repository
from mireru.embeddings.repository import SpaceShape
from mireru.embeddings.schemas import ClassRetrieval, RetrievalEvalRequest, RetrievalEvaluation
from mireru.errors import Conflict, InvalidInput
from mireru.ml.eval.retrieval import retrieval_scores  # numpy only: no torch in the API
from mireru.models import EmbeddingSpace

MAX_API_ITEMS = 10_000


def target_of(identity: str | None, labels: list[str], target: str) -> str | None:
    """The item's target, prefixed so an identity and a label with the same name differ; None when
    it has none (or several labels, which is ambiguous)."""
    label = labels[0] if len(labels) == 1 else None
    if target == "identity":
        return None if identity is None else f"identity:{identity}"
    if target == "label":
        return None if label is None else f"label:{label}"
    if identity is not None:
        return f"identity:{identity}"
    return None if label is None else f"label:{label}"


def _finite(values: dict[int, float]) -> dict[str, float]:
    return {str(k): v for k, v in values.items() if math.isfinite(v)}


def evaluate_space(
    session: Session,
    space: EmbeddingSpace,
    request: RetrievalEvalRequest,
    max_items: int | None = MAX_API_ITEMS,
) -> RetrievalEvaluation:
    """Score the space on the requested splits; refuses spaces that are not ready and sets larger
    than `max_items` (None: no bound)."""
    if space.status != "ready" or space.dimension is None:
        raise Conflict(
            f"embedding space {space.id} is {space.status}; evaluate it once it is ready",
            space_id=space.id,
            status=space.status,
        )
    shape = SpaceShape.of(space)
    found = repository.item_targets(session, shape, request.splits)
    targets = {
        i: t for i, (ident, labels) in found.items() if (t := target_of(ident, labels, request.target))
    }
    if len(targets) < 2:
        raise InvalidInput(
            f"space {space.id} has {len(targets)} items with a vector and a {request.target} in splits "
            f"{request.splits}; evaluation needs at least 2",
            field="splits",
        )
    if max_items is not None and len(targets) > max_items:
        raise InvalidInput(
            f"{len(targets)} items in splits {request.splits}: the API evaluates at most {max_items}; "
            f"run `mireru eval retrieval --project {space.project_id} --space {space.id}` instead",
            field="splits",
        )
    item_ids, vectors = repository.space_vectors(session, shape, list(targets))
    names = sorted(set(targets.values()))
    index = {name: i for i, name in enumerate(names)}
    scores = retrieval_scores(
        vectors,
        [index[targets[i]] for i in item_ids],
        ks=request.ks,
        metric=space.metric,  # type: ignore[arg-type]
    )
    metrics = {f"eval/{k}": v for k, v in scores.flat().items() if math.isfinite(v)}
    per_class = [
        ClassRetrieval(
            name=names[c],
            queries=s.queries,
            recall=_finite(s.recall),
            precision=_finite(s.precision),
            map_at_r=s.map_at_r,
        )
        for c, s in sorted(scores.per_class.items())
    ]
    version_id = int(space.model) if space.backbone == "model_version" and space.model.isdigit() else None
    written = False
    if version_id is not None and request.write_to_model_version and metrics:
        version = repository.model_version(session, space.project_id, version_id)
        if version is not None:
            repository.record_version_metrics(session, version, metrics)
            written = True
    return RetrievalEvaluation(
        space_id=space.id,
        model_version_id=version_id,
        splits=request.splits,
        target=request.target,
        items=len(item_ids),
        queries=scores.queries,
        unanswerable=scores.unanswerable,
        metrics=metrics,
        per_class=per_class,
        written_to_model_version=written,
    )
