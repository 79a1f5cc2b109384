"""Word queries on the project's active word model: a word's or phrase's vector (the phrase
rule, see mireru.ml.words.phrases), nearest words by pgvector, and prefix listing."""

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from mireru.errors import Conflict, InvalidInput
from mireru.ml.words.phrases import Resolved, lookup_keys, normalise, resolve
from mireru.models import WordModel
from mireru.projects.service import get_project
from mireru.words import repository
from mireru.words.repository import WordSpace
from mireru.words.schemas import (
    Resolution,
    WordCount,
    WordList,
    WordNeighbours,
    WordScore,
    WordSearchRequest,
)

MIN_EF_SEARCH = 100
MAX_EF_SEARCH = 1000  # pgvector's limit for hnsw.ef_search


def active_model(session: Session, project_id: int) -> WordModel:
    """The project's active, ready word model (409 telling how to get one otherwise)."""
    model = repository.active_model(session, project_id)
    if model is None or model.status != "ready" or model.dimension is None:
        get_project(session, project_id)
        building = [
            m for m in repository.list_models(session, project_id) if m.status in ("queued", "running")
        ]
        if building:
            raise Conflict(
                f"project {project_id} has no active word model yet: word model {building[0].id} is "
                f"{building[0].status}; word queries work once it is ready",
                word_model_id=building[0].id,
                status=building[0].status,
            )
        raise Conflict(
            f"project {project_id} has no active word model; train one (POST "
            f"/api/v1/projects/{project_id}/word-models) or import one (.../word-models/import)"
        )
    return model


def resolve_texts(
    session: Session, model: WordModel, texts: Sequence[str], strict: bool = True
) -> list[Resolved]:
    """Each text's vector by the phrase rule, with one query for all of them. `strict`: a text
    with no known word is a 422 naming every such text; else it is left out."""
    keys = [key for t in texts for key in lookup_keys(t)]
    table = repository.fetch_vectors(session, model.id, keys)
    found: list[Resolved] = []
    unknown: list[str] = []
    for text in texts:
        resolved = resolve(text, table)
        if resolved is None:
            unknown.append(text)
        else:
            found.append(resolved)
    if unknown and strict:
        listed = ", ".join(repr(t) for t in unknown)
        raise InvalidInput(
            f"not in the vocabulary of word model {model.id} ({model.name}): {listed}; neither the text, "
            "its words joined with '_', nor any of its words is a known word",
            field="words",
            unknown=unknown,
        )
    return found


def vectors_for_words(session: Session, project_id: int, words: Sequence[str]) -> np.ndarray:
    """(len(words), d) unit vectors of words or phrases by the phrase rule, from the project's
    active word model; unknown words are a 422 naming them."""
    model = active_model(session, project_id)
    return np.stack([r.vector for r in resolve_texts(session, model, words)])


def word_vectors_for(session: Session, project_id: int, words: Sequence[str]) -> dict[str, list[float]]:
    """{word: unit vector} for those of `words` the active model can give a vector (phrase rule);
    the others are left out. For training snapshots: keywords without a vector are skipped."""
    model = active_model(session, project_id)
    return {r.text: r.vector.tolist() for r in resolve_texts(session, model, words, strict=False)}


def resolution(resolved: Resolved) -> Resolution:
    return Resolution(text=resolved.text, how=resolved.how, used=resolved.used, missing=resolved.missing)


def _nearest(session: Session, model: WordModel, vector: np.ndarray, k: int) -> list[tuple[str, float, int]]:
    repository.configure_scan(session, min(MAX_EF_SEARCH, max(MIN_EF_SEARCH, k)))
    return repository.nearest_words(session, WordSpace.of(model), vector, k)


def _scores(rows: list[tuple[str, float, int]], skip: set[str], k: int) -> list[WordScore]:
    kept = [WordScore(word=w, score=1.0 - d, count=c) for w, d, c in rows if w not in skip]
    return kept[:k]


def neighbours(session: Session, project_id: int, word: str, k: int) -> WordNeighbours:
    """The k words nearest to a word (or phrase), the word itself (and a phrase's words) left out."""
    model = active_model(session, project_id)
    resolved = resolve_texts(session, model, [word])[0]
    skip = set(resolved.used)
    rows = _nearest(session, model, resolved.vector, k + len(skip))
    return WordNeighbours(
        word_model_id=model.id, query=resolution(resolved), neighbours=_scores(rows, skip, k)
    )


def search_words(session: Session, project_id: int, request: WordSearchRequest) -> WordNeighbours:
    """The k words nearest to a word, a phrase (phrase rule) or a vector; nothing left out."""
    model = active_model(session, project_id)
    assert model.dimension is not None
    if request.vector is not None:
        raw = np.asarray(request.vector, dtype=np.float32)
        unit = normalise(raw) if raw.shape == (model.dimension,) and np.isfinite(raw).all() else None
        if unit is None:
            raise InvalidInput(
                f"vector must have {model.dimension} finite numbers, not all zero, for word model "
                f"{model.id}; got {len(raw)}",
                field="vector",
            )
        query = Resolution(text="", how="vector", used=[])
        vector = unit
    else:
        text = request.word if request.word is not None else request.phrase
        assert text is not None
        resolved = resolve_texts(session, model, [text])[0]
        query, vector = resolution(resolved), resolved.vector
    rows = _nearest(session, model, vector, request.k)
    return WordNeighbours(word_model_id=model.id, query=query, neighbours=_scores(rows, set(), request.k))


def list_words(session: Session, project_id: int, prefix: str, limit: int) -> WordList:
    """Vocabulary words starting with `prefix` (case-sensitive), most frequent first."""
    model = active_model(session, project_id)
    rows = repository.words_with_prefix(session, model.id, prefix, limit)
    return WordList(word_model_id=model.id, words=[WordCount(word=w, count=c) for w, c in rows])


def nearest_words_for_vectors(
    session: Session, project_id: int, vectors: np.ndarray, k: int
) -> tuple[int, list[list[WordScore]]]:
    """For each vector (e.g. a keywords model's outputs), its k nearest words: (word model id,
    lists of scored words). Vectors of another dimension than the word model's are a 409."""
    model = active_model(session, project_id)
    if vectors.ndim != 2 or (len(vectors) and vectors.shape[1] != model.dimension):
        raise Conflict(
            f"the vectors have {vectors.shape[-1]} dimensions, word model {model.id} has {model.dimension}; "
            "the keywords model was trained on other word vectors",
            word_model_id=model.id,
        )
    answers = []
    for vector in vectors:
        unit = normalise(vector)
        rows = [] if unit is None else _nearest(session, model, unit, k)
        answers.append(_scores(rows, set(), k))
    return model.id, answers
