"""Bench projects: many item rows written with COPY (no blobs needed), labels for filtered
queries, an embedding space row; deleted again when the bench ends."""

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mireru.db import unit_of_work
from mireru.embeddings import repository as spaces_repo
from mireru.models import EmbeddingSpace, Project

TEN_PERCENT_LABEL = "bench-10pct"
BENCH_DATABASE = "mireru_bench"


@contextmanager
def bench_database(url: str) -> Iterator[Engine]:
    """A fresh database beside the configured one (same server), migrated, dropped afterwards:
    benches never touch real projects, and run in Mireru's open mode (no users)."""
    from mireru.db import make_engine
    from mireru.migrate import upgrade

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
    engine = make_engine(make_url(url).set(database=BENCH_DATABASE).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
        admin.dispose()


@dataclass(frozen=True)
class BenchProject:
    project_id: int
    item_ids: list[int]
    ten_percent: np.ndarray  # bool per item: labelled TEN_PERCENT_LABEL
    u: np.ndarray  # measurement "u", uniform in [0, 1): u < 0.01 selects 1%


def create_project(engine: Engine, n: int, seed: int = 0, paths: Sequence[str] | None = None) -> BenchProject:
    """A project with n items (fake blobs), 10% of them labelled, each with a measurement u."""
    rng = np.random.default_rng(seed)
    ten = rng.random(n) < 0.10
    u = rng.random(n)
    name = f"bench-{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        project_id = int(
            conn.execute(
                text("INSERT INTO projects (name, description) VALUES (:n, 'mireru bench') RETURNING id"),
                {"n": name},
            ).scalar_one()
        )
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            copy_sql = (
                "COPY items (project_id, sha256, thumb_sha256, filename, media_type, width, height, "
                "size_bytes, metadata, measurements) FROM STDIN"
            )
            with cur.copy(copy_sql) as copy:
                for i in range(n):
                    digest = f"{project_id:08x}{i:056x}"
                    filename = paths[i % len(paths)] if paths else f"bench-{i}.jpg"
                    copy.write_row(
                        (
                            project_id,
                            digest,
                            digest,
                            filename[-500:],
                            "image/jpeg",
                            640,
                            480,
                            1,
                            json.dumps({"bench": True}),
                            json.dumps({"u": float(u[i])}),
                        )
                    )
            ids = [
                row[0]
                for row in cur.execute(
                    "SELECT id FROM items WHERE project_id = %s ORDER BY id", (project_id,)
                )
            ]
            label_id = cur.execute(
                "INSERT INTO label_classes (project_id, name) VALUES (%s, %s) RETURNING id",
                (project_id, TEN_PERCENT_LABEL),
            ).fetchone()[0]
            with cur.copy("COPY item_labels (item_id, label_class_id, project_id) FROM STDIN") as copy:
                for item_id, labelled in zip(ids, ten, strict=True):
                    if labelled:
                        copy.write_row((item_id, label_id, project_id))
        conn.execute(text("ANALYZE items"))
        conn.execute(text("ANALYZE item_labels"))
    return BenchProject(project_id, ids, ten, u)


def create_space(
    sessions: sessionmaker[Session],
    project_id: int,
    dimension: int,
    storage: str = "vector",
    status: str = "indexing",
) -> int:
    with unit_of_work(sessions) as session:
        space = EmbeddingSpace(
            project_id=project_id,
            name="bench",
            backbone="torchvision",
            model="bench",
            dimension=dimension,
            metric="cosine",
            storage=storage,
            index_kind="exact",
            index_params={},
            index_version=0,
            status=status,
            is_active=True,
            activate_when_ready=False,
        )
        session.add(space)
        session.flush()
        return space.id


def write_vectors(
    sessions: sessionmaker[Session],
    space_id: int,
    item_ids: Sequence[int],
    vectors: np.ndarray,
    chunk: int = 20_000,
) -> None:
    with unit_of_work(sessions) as session:
        shape = spaces_repo.SpaceShape.of(_space(session, space_id))
    for start in range(0, len(item_ids), chunk):
        with unit_of_work(sessions) as session:
            spaces_repo.write_vectors(
                session, shape, item_ids[start : start + chunk], vectors[start : start + chunk]
            )
    engine: Engine = sessions.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) embeddings"))  # hint bits and statistics, as autovacuum would


def _space(session: Session, space_id: int) -> EmbeddingSpace:
    space = session.get(EmbeddingSpace, space_id)
    if space is None:
        raise LookupError(f"space {space_id} is gone")
    return space


def read_vectors(engine: Engine, space_id: int, limit: int) -> np.ndarray:
    """Real vectors of an existing space (for `mireru bench search --space`)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT coalesce(vector::text, half::vector::text) FROM embeddings "
                "WHERE space_id = :s ORDER BY item_id LIMIT :n"
            ),
            {"s": space_id, "n": limit},
        ).scalars()
        vectors = [np.array(row.strip("[]").split(","), dtype=np.float32) for row in rows]
    if not vectors:
        raise LookupError(f"space {space_id} has no vectors")
    return np.stack(vectors)


def drop_project(engine: Engine, project_id: int) -> None:
    """Delete the bench project (items, vectors and spaces cascade) and its vector indexes."""
    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.id == project_id))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        spaces_repo.drop_orphaned_indexes(conn)
