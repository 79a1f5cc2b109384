"""What the embedding and index jobs do, in committed steps.

Embedding: the items a space lacks are decoded by DataLoader workers, run through the extractor
in inference mode and written with binary COPY, a transaction per batch (progress is durable and
a crash loses one batch). A new space then gets its index. Index (re)builds create the new index
CONCURRENTLY beside the old one, switch the space to it in one transaction, then drop the old
one: searches never wait and never fail.
"""

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mireru.config import Settings
from mireru.db import unit_of_work
from mireru.embeddings import repository
from mireru.embeddings.extractors import backbone_spec, worker_embedder
from mireru.embeddings.repository import SpaceShape
from mireru.embeddings.service import INDEX_JOB
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import DEFAULT_QUEUE, Dispatcher
from mireru.models import EmbeddingSpace
from mireru.storage import BlobStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
CATCH_UP_ROUNDS = 3  # a full embedding re-checks for items uploaded while it ran
MAX_LISTED_FAILURES = 100


class SpaceGone(Exception):
    """The space was deleted while a job worked on it."""


@dataclass(frozen=True)
class _Snapshot:
    id: int
    project_id: int
    backbone: str
    model: str
    pretrained: str | None
    image_size: int | None
    status: str


def _engine(sessions: sessionmaker[Session]) -> Engine:
    return cast(Engine, sessions.kw["bind"])


def _load_space(session: Session, space_id: int, lock: bool = False) -> EmbeddingSpace:
    space = repository.get_space_by_id(session, space_id, lock=lock)
    if space is None:
        raise SpaceGone(f"embedding space {space_id} was deleted")
    return space


def _mark_ready(session: Session, space: EmbeddingSpace) -> None:
    space.status = "ready"
    space.error = None
    if space.activate_when_ready:
        repository.make_active(session, space)
        if space.backbone == "model_version":
            # A deployed embedding version goes live when search switches to its space.
            from mireru.registry.service import mark_embedding_live

            mark_embedding_live(session, space.project_id, int(space.model))


def _fail(sessions: sessionmaker[Session], space_id: int, message: str, whole_space: bool) -> None:
    with unit_of_work(sessions) as session:
        space = repository.get_space_by_id(session, space_id)
        if space is None:
            return
        if whole_space:
            space.status = "failed"
            space.activate_when_ready = False
        space.error = message[:2000]


# --- embedding ------------------------------------------------------------------------------------


def vector_sink(sessions: sessionmaker[Session], shape: SpaceShape, failed: list[int]) -> Callable[..., None]:
    def sink(keys: list[int], vectors: np.ndarray) -> None:
        finite = np.isfinite(vectors).all(axis=1)
        if not finite.all():
            failed.extend(k for k, ok in zip(keys, finite, strict=True) if not ok)
            keys = [k for k, ok in zip(keys, finite, strict=True) if ok]
            vectors = vectors[finite]
        with unit_of_work(sessions) as session:
            repository.write_vectors(session, shape, keys, vectors)

    return sink


def embed_space(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    settings: Settings,
    space_id: int,
    item_ids: Sequence[int] | None,
    progress: Progress,
) -> dict[str, Any]:
    """Embed the space's missing items (all of them, or those of `item_ids`); a space being built
    then moves on to its index build (or straight to ready for the exact kind)."""
    full = item_ids is None
    try:
        with unit_of_work(sessions) as session:
            space = _load_space(session, space_id)
            initial = full and space.status in ("queued", "embedding", "failed")
            if initial:
                space.status, space.error = "embedding", None
            snap = _Snapshot(
                space.id,
                space.project_id,
                space.backbone,
                space.model,
                space.pretrained,
                space.image_size,
                space.status,
            )
    except SpaceGone as exc:
        return {"skipped": str(exc)}
    try:
        result = _embed(sessions, blobs, settings, snap, item_ids, progress)
    except SpaceGone as exc:
        return {"skipped": str(exc)}
    except Exception as exc:
        _fail(sessions, space_id, f"embedding failed: {type(exc).__name__}: {exc}", whole_space=initial)
        raise
    if initial:
        try:
            _after_embedding(sessions, settings, space_id)
        except SpaceGone as exc:
            return {"skipped": str(exc)}
    return result


def _embed(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    settings: Settings,
    snap: _Snapshot,
    item_ids: Sequence[int] | None,
    progress: Progress,
) -> dict[str, Any]:
    from mireru.ml.extract import extract_files

    spec = backbone_spec(snap.backbone, snap.model, snap.pretrained, snap.image_size, settings.blob_dir)
    progress(0, 0, f"loading {snap.model}")
    embedder = worker_embedder(spec, settings)
    with unit_of_work(sessions) as session:
        space = _load_space(session, snap.id)
        if space.dimension is None:
            space.dimension = embedder.dimension
        elif space.dimension != embedder.dimension:
            raise ValueError(
                f"the model gives {embedder.dimension}-d vectors, the space holds {space.dimension}"
            )
        shape = SpaceShape.of(space)
    failed: list[int] = []
    embedded, seconds, done_before = 0, 0.0, 0
    for _ in range(CATCH_UP_ROUNDS if item_ids is None else 1):
        with unit_of_work(sessions) as session:
            records = [r for r in repository.missing_items(session, shape, item_ids) if r[0] not in failed]
        if not records:
            break
        paths = [(item_id, str(blobs.path(sha))) for item_id, sha in records]
        batch = max(1, settings.embed_batch_size)
        workers = settings.embed_loader_workers if len(paths) > batch else 0
        before = done_before

        def report(done: int, total: int, before: int = before) -> None:
            progress(before + done, before + total, "embedding")

        stats = extract_files(
            embedder,
            paths,
            vector_sink(sessions, shape, failed),
            batch_size=batch,
            workers=workers,
            on_progress=report,
        )
        failed.extend(stats.failed)
        embedded += stats.embedded
        seconds += stats.seconds
        done_before += len(paths)
    progress(done_before, done_before, "embedded")
    return {
        "space_id": snap.id,
        "embedded": embedded,
        "failed": len(failed),
        "failed_items": failed[:MAX_LISTED_FAILURES],
        "seconds": round(seconds, 3),
        "items_per_s": round(embedded / seconds, 2) if seconds > 0 else None,
    }


def _after_embedding(sessions: sessionmaker[Session], settings: Settings, space_id: int) -> None:
    with unit_of_work(sessions) as session:
        space = _load_space(session, space_id, lock=True)
        if space.status != "embedding":
            return
        if space.index_kind == "exact":
            _mark_ready(session, space)
            return
        space.status = "indexing"
        job = jobs_repo.create(session, "index", DEFAULT_QUEUE, space.project_id, {"space_id": space.id})
        space.index_job_id = job.id
        kwargs = {"job_id": job.id, "space_id": space.id, "index": None}
        Dispatcher.for_settings(settings).enqueue_after_commit(
            session, DEFAULT_QUEUE, INDEX_JOB, job.id, kwargs
        )


# --- indexes --------------------------------------------------------------------------------------


def _ivfflat_params(params: dict[str, Any], rows: int) -> dict[str, Any]:
    lists = params.get("lists") or max(1, rows // 1000 if rows <= 1_000_000 else round(math.sqrt(rows)))
    probes = params.get("probes") or max(1, round(math.sqrt(lists)))
    return {"lists": int(lists), "probes": int(min(probes, lists))}


def build_index(
    sessions: sessionmaker[Session],
    settings: Settings,
    space_id: int,
    index: dict[str, Any] | None,
    progress: Progress,
) -> dict[str, Any]:
    """Build the space's index (its configured one, or `index` for a rebuild) beside the current
    one, switch, drop the old one. Also drops indexes of deleted spaces."""
    engine = _engine(sessions)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        orphans = repository.drop_orphaned_indexes(conn)
    try:
        with unit_of_work(sessions) as session:
            space = _load_space(session, space_id, lock=True)
            initial = space.status == "indexing"
            config = dict(index) if index is not None else {"kind": space.index_kind, **space.index_params}
            space.index_version += 1  # under the row lock: each build gets its own index name
            version = space.index_version
            shape = SpaceShape.of(space)
            rows = repository.count_vectors(session, space.id)
    except SpaceGone as exc:
        return {"skipped": str(exc), "dropped": orphans}
    kind = str(config.pop("kind"))
    params = _ivfflat_params(config, rows) if kind == "ivfflat" else config
    name = repository.index_name(space_id, version, kind) if kind != "exact" else None
    progress(0, rows, f"building {kind} index over {rows} vectors")
    try:
        if name is not None:
            ddl = repository.index_ddl(shape, name, kind, params)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                repository.build_index(
                    conn, ddl, name, settings.index_build_memory, settings.index_build_workers
                )
                repository.analyze(conn)
        with unit_of_work(sessions) as session:
            space = _load_space(session, space_id, lock=True)
            old = space.index_name
            space.index_name, space.index_kind, space.index_params = name, kind, params
            if space.status == "indexing":
                _mark_ready(session, space)
            else:
                space.error = None
    except SpaceGone as exc:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            repository.drop_index(conn, name)
        return {"skipped": str(exc), "dropped": orphans}
    except Exception as exc:
        _fail(sessions, space_id, f"index build failed: {type(exc).__name__}: {exc}", whole_space=initial)
        raise
    if old != name:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            repository.drop_index(conn, old)
    progress(rows, rows, "index ready")
    return {
        "space_id": space_id,
        "index": {"kind": kind, **params},
        "index_name": name,
        "rows": rows,
        "replaced": old,
        "dropped": orphans,
    }
