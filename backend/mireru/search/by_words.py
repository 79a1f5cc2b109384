"""Searching images by words, also words no image was tagged with.

The words get vectors from the active word model (phrase rule). Then:

- keyword-model: when a keywords model is deployed and its output vectors are stored
  (`item_keyword_vectors`), each item is scored by its output vector nearest to the query, by
  cosine similarity, compared exactly over the version's rows. An image the model places near
  "corrosion" is found by "rust" even if nobody tagged anything "rust".
- word-neighbours (fallback): the project's keywords get vectors too; each is scored by its
  similarity to the query, and items are ranked by the best score among their keywords (the
  MAX_EXPANSION nearest keywords take part).

`combine` "mean" searches with the re-normalised mean of the words' vectors; "best" scores by the
word each item (or keyword) is nearest to.
"""

from collections.abc import Sequence
from typing import Literal

import numpy as np
from sqlalchemy.orm import Session

from mireru.items.repository import filter_conditions
from mireru.items.schemas import ItemFilter
from mireru.ml.words.phrases import normalise
from mireru.models import WordModel
from mireru.search.schemas import ExpandedKeyword, ItemWordSearchResponse, SearchHit
from mireru.words import repository
from mireru.words.queries import active_model, resolution, resolve_texts

MAX_KEYWORDS = 50_000  # project keywords considered by the fallback, most used first
MAX_EXPANSION = 50  # nearest keywords whose items are ranked by the fallback
LISTED_EXPANSION = 20
Combine = Literal["mean", "best"]


def _hit(project_id: int, item_id: int, score: float, filename: str) -> SearchHit:
    base = f"/api/v1/projects/{project_id}/items/{item_id}"
    return SearchHit(
        item_id=item_id,
        score=score,
        distance=1.0 - score,
        filename=filename,
        thumbnail_url=f"{base}/thumbnail",
        image_url=f"{base}/image",
    )


def _queries(vectors: np.ndarray, combine: Combine) -> np.ndarray:
    if combine == "best" or len(vectors) == 1:
        return vectors
    mean = normalise(vectors.mean(axis=0))
    if mean is None:
        return vectors  # the words cancel out: fall back to scoring by the nearest word
    return mean[None, :]


def _deployed_keywords_version(session: Session, project_id: int) -> tuple[int | None, int | None, str]:
    """(version id, stored vector dimension, why not usable) of the deployed keywords model."""
    from mireru.registry.service import deployed_version

    version = deployed_version(session, project_id, "keywords")
    if version is None:
        return None, None, "no keywords model is deployed"
    dimension = repository.keyword_vector_dimension(session, version.id)
    if dimension is None:
        waiting = (
            f"keywords model version {version.version} is deployed but its item vectors are not stored "
            "yet (the keyword_vectors job fills them)"
        )
        return version.id, None, waiting
    return version.id, dimension, ""


def search_items_by_words(
    session: Session,
    project_id: int,
    words: Sequence[str],
    k: int,
    filters: ItemFilter,
    combine: Combine = "mean",
) -> ItemWordSearchResponse:
    """Items best matching words (phrase rule; unknown words are a 422), among those passing
    `filters`, best first; `via` says which path answered (see the module docstring)."""
    model = active_model(session, project_id)
    resolved = resolve_texts(session, model, words)
    queries = _queries(np.stack([r.vector for r in resolved]), combine)
    conditions = filter_conditions(project_id, filters)
    version_id, dimension, why_not = _deployed_keywords_version(session, project_id)
    if dimension is not None and dimension != model.dimension:
        why_not = (
            f"the deployed keywords model outputs {dimension}-d vectors and the active word model "
            f"{model.id} has {model.dimension}"
        )
    common = {
        "k": k,
        "combine": combine,
        "word_model_id": model.id,
        "words": [resolution(r) for r in resolved],
    }
    if not why_not and version_id is not None and dimension is not None:
        rows = repository.items_by_output_vectors(session, version_id, dimension, queries, conditions, k)
        return ItemWordSearchResponse(
            results=[_hit(project_id, *row) for row in rows],
            via="keyword-model",
            model_version_id=version_id,
            **common,
        )
    scores = _keyword_scores(session, project_id, model, queries)
    rows = repository.items_by_keyword_scores(session, conditions, scores, k)
    expanded = [ExpandedKeyword(keyword=kw, score=s) for kw, s in list(scores.items())[:LISTED_EXPANSION]]
    return ItemWordSearchResponse(
        results=[_hit(project_id, *row) for row in rows],
        via="word-neighbours",
        model_version_id=None,
        expanded_keywords=expanded,
        note=f"{why_not}; answered from the keywords nearest to the words",
        **common,
    )


def _keyword_scores(
    session: Session, project_id: int, model: WordModel, queries: np.ndarray
) -> dict[str, float]:
    """The project's keywords nearest to the queries: {keyword: cosine similarity}, best first."""
    keywords = repository.project_keywords(session, project_id, MAX_KEYWORDS)
    known = resolve_texts(session, model, keywords, strict=False)
    if not known:
        return {}
    matrix = np.stack([r.vector for r in known])
    similarity = (matrix @ queries.T).max(axis=1)
    order = np.argsort(-similarity, kind="stable")[:MAX_EXPANSION]
    return {known[i].text: float(similarity[i]) for i in order}
