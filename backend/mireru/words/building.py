"""What the word model jobs do: build the corpus and train word2vec, or read an uploaded vector
file; then store the words and build the model's vector index.

All of a model's words are written in one transaction (binary COPY batches), so a file that turns
out malformed halfway leaves no words behind; the model is then marked failed with the reason.
The HNSW index is built CONCURRENTLY afterwards, and only then is the model ready (and active,
unless it was created with activate false).
"""

import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mireru.config import Settings
from mireru.db import unit_of_work
from mireru.ml.words.corpus import corpus_sentences, item_sentence, write_sentence
from mireru.ml.words.errors import VectorFileError
from mireru.ml.words.vector_files import Format, VectorReader, open_vectors
from mireru.ml.words.vocabulary import CleanStats, Record, batches, clean
from mireru.models import WordModel
from mireru.models.words import MAX_WORD_LENGTH
from mireru.storage import BlobStore
from mireru.words import repository
from mireru.words.repository import WordSpace

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
ITEM_BATCH = 1000
WRITE_BATCH = 5000


class ModelGone(Exception):
    """The word model was deleted while its job ran."""


@dataclass(frozen=True)
class _Snapshot:
    id: int
    project_id: int
    params: dict[str, Any]
    dimension: int | None


def _engine(sessions: sessionmaker[Session]) -> Engine:
    return cast(Engine, sessions.kw["bind"])


def _load(session: Session, model_id: int, lock: bool = False) -> WordModel:
    model = repository.get_model_by_id(session, model_id, lock=lock)
    if model is None:
        raise ModelGone(f"word model {model_id} was deleted")
    return model


def _start(sessions: sessionmaker[Session], model_id: int) -> _Snapshot:
    with unit_of_work(sessions) as session:
        model = _load(session, model_id, lock=True)
        model.status, model.error = "running", None
        return _Snapshot(model.id, model.project_id, dict(model.params), model.dimension)


def _fail(sessions: sessionmaker[Session], model_id: int, message: str) -> None:
    with unit_of_work(sessions) as session:
        model = repository.get_model_by_id(session, model_id, lock=True)
        if model is None:
            return
        repository.delete_words(session, model_id)
        model.status, model.error = "failed", message[:2000]


def _run(
    sessions: sessionmaker[Session], model_id: int, body: Callable[[_Snapshot], dict[str, Any]]
) -> dict[str, Any]:
    try:
        snap = _start(sessions, model_id)
        return body(snap)
    except ModelGone as exc:
        return {"skipped": str(exc)}
    except Exception as exc:
        # ValueErrors (malformed files, nothing to train on) explain themselves; others get their type.
        message = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
        _fail(sessions, model_id, message)
        raise


def _store(
    sessions: sessionmaker[Session],
    settings: Settings,
    snap: _Snapshot,
    records: Iterable[Record],
    dimension: int,
    stats: dict[str, Any],
    progress: Progress,
    total: int,
) -> dict[str, Any]:
    """Write every word in one transaction, build the index, then mark the model ready."""
    cleaned = CleanStats()
    limit = snap.params.get("limit")
    with unit_of_work(sessions) as session:
        _load(session, snap.id, lock=True)
        repository.delete_words(session, snap.id)  # a retried job starts clean
        rows = clean(records, dimension, cleaned, limit=limit, max_word_length=MAX_WORD_LENGTH)
        for batch in batches(rows, WRITE_BATCH):
            repository.write_words(session, snap.id, snap.project_id, batch)
            progress(cleaned.kept, max(total, cleaned.kept), "storing words")
        if cleaned.kept == 0:
            raise VectorFileError("no word could be stored (every record was empty, repeated or zero)")
        model = _load(session, snap.id)
        model.dimension = dimension
        model.stats = {**stats, **cleaned.as_dict()}
    progress(cleaned.kept, cleaned.kept, "building the vector index")
    ddl = repository.index_ddl(WordSpace(snap.id, dimension))
    name = repository.index_name(snap.id)
    with _engine(sessions).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        orphans = repository.drop_orphaned_indexes(conn)
        if ddl is not None:
            repository.build_index(conn, ddl, name, settings.index_build_memory)
    with unit_of_work(sessions) as session:
        model = _load(session, snap.id, lock=True)
        model.status = "ready"
        if snap.params.get("activate", True):
            repository.make_active(session, model)
    progress(cleaned.kept, cleaned.kept, "ready")
    return {
        "word_model_id": snap.id,
        "dimension": dimension,
        "index": name if ddl else None,
        "dropped_indexes": orphans,
        **cleaned.as_dict(),
    }


# --- training -------------------------------------------------------------------------------------


def _write_corpus(
    sessions: sessionmaker[Session], blobs: BlobStore, snap: _Snapshot, out: Path, progress: Progress
) -> dict[str, int]:
    sentences = 0
    with out.open("w", encoding="utf-8") as f:
        if snap.params.get("include_items", True):
            after = 0
            while True:
                with unit_of_work(sessions) as session:
                    rows = repository.item_texts(session, snap.project_id, after, ITEM_BATCH)
                if not rows:
                    break
                for _, keywords, meta, text in rows:
                    sentences += write_sentence(f, item_sentence(keywords, meta, text))
                after = rows[-1][0]
                progress(0, 0, f"reading item text ({sentences} sentences)")
        digest = snap.params.get("corpus_sha256")
        if digest:
            for tokens in corpus_sentences(blobs.path(str(digest))):
                sentences += write_sentence(f, tokens)
    return {"sentences": sentences}


def train_model(
    sessions: sessionmaker[Session], blobs: BlobStore, settings: Settings, model_id: int, progress: Progress
) -> dict[str, Any]:
    """Train word2vec on the project's text (and corpus upload) and store the vocabulary."""
    from mireru.ml.words.train import Word2VecParams, count_tokens, train_word2vec

    def body(snap: _Snapshot) -> dict[str, Any]:
        p = snap.params
        params = Word2VecParams(
            vector_size=int(p["vector_size"]),
            window=int(p["window"]),
            min_count=int(p["min_count"]),
            epochs=int(p["epochs"]),
            sg=bool(p["sg"]),
            seed=int(p.get("seed", 0)),
        )
        with tempfile.TemporaryDirectory(prefix="mireru-word2vec-") as tmp:
            corpus = Path(tmp) / "corpus.txt"
            _write_corpus(sessions, blobs, snap, corpus, progress)
            sentences, tokens = count_tokens(corpus)
            if tokens == 0:
                raise ValueError("nothing to train on: the items have no text, keywords or metadata strings")
            progress(0, params.epochs, "training word2vec")
            records = train_word2vec(
                corpus, params, lambda done, total: progress(done, total, f"epoch {done}/{total}")
            )
        stats = {"sentences": sentences, "tokens": tokens, "vocabulary": len(records)}
        return _store(sessions, settings, snap, records, params.vector_size, stats, progress, len(records))

    return _run(sessions, model_id, body)


# --- importing ------------------------------------------------------------------------------------


def import_model(
    sessions: sessionmaker[Session], blobs: BlobStore, settings: Settings, model_id: int, progress: Progress
) -> dict[str, Any]:
    """Read the uploaded vector file completely and store its words (unit length)."""

    def body(snap: _Snapshot) -> dict[str, Any]:
        fmt = cast(Format, snap.params["format"])
        path = blobs.path(str(snap.params["file_sha256"]))
        with open_vectors(path) as stream:
            reader = VectorReader(stream, fmt)
            total = min(reader.info.declared_words or 0, int(snap.params.get("limit") or 0))
            stats = {"format": fmt, "declared_words": reader.info.declared_words}
            return _store(sessions, settings, snap, reader, reader.info.dimension, stats, progress, total)

    return _run(sessions, model_id, body)


def drop_orphaned_indexes(sessions: sessionmaker[Session]) -> dict[str, Any]:
    with _engine(sessions).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return {"dropped": repository.drop_orphaned_indexes(conn)}
