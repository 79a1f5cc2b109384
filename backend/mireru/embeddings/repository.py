"""Every query on embedding spaces and embeddings, the vector expressions shared with search, the
binary COPY writer and the per-space index DDL."""

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pgvector.sqlalchemy import HALFVEC, VECTOR
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    and_,
    bindparam,
    cast,
    exists,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from mireru.items.repository import split_condition
from mireru.models import Embedding, EmbeddingSpace, Item, ItemLabel, Job, LabelClass, ModelVersion

# pgvector limits for indexed columns: vector up to 2,000 dimensions, halfvec up to 4,000.
MAX_INDEXED_DIMS = {"vector": 2000, "halfvec": 4000}
OPERATORS = {"cosine": "<=>", "l2": "<->", "ip": "<#>"}
OPCLASS_SUFFIX = {"cosine": "cosine_ops", "l2": "l2_ops", "ip": "ip_ops"}
INDEX_PREFIX = "embeddings_space_"
_INDEX_NAME = re.compile(rf"^{INDEX_PREFIX}(\d+)_v\d+_(hnsw|ivfflat)$")
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
STAGING = "mireru_embeddings_in"


@dataclass(frozen=True)
class SpaceShape:
    """What SQL needs of a space: which column, cast to which type, compared with which operator."""

    id: int
    project_id: int
    dimension: int
    metric: str
    storage: str

    @classmethod
    def of(cls, space: EmbeddingSpace) -> "SpaceShape":
        if space.dimension is None:
            raise ValueError(f"space {space.id} has no dimension yet")
        return cls(space.id, space.project_id, space.dimension, space.metric, space.storage)

    @property
    def column_name(self) -> str:
        return "half" if self.storage == "halfvec" else "vector"

    @property
    def sql_type(self) -> str:
        return f"{self.storage}({self.dimension})"

    def column(self) -> ColumnElement[Any]:
        """The space's vectors with their dimension: `embeddings.vector::vector(512)`; the index
        is built on exactly this expression, so queries that use it can use the index."""
        if self.storage == "halfvec":
            return cast(Embedding.half, HALFVEC(self.dimension))
        return cast(Embedding.vector, VECTOR(self.dimension))

    def query_param(self) -> ColumnElement[Any]:
        """The query vector as the bind parameter `query_vector`, cast to the space's type."""
        kind = HALFVEC(self.dimension) if self.storage == "halfvec" else VECTOR(self.dimension)
        return cast(bindparam("query_vector", type_=kind), kind)

    def distance(self, query: ColumnElement[Any]) -> ColumnElement[float]:
        """The metric's distance between the space's vectors and a query expression."""
        op = self.column().op(OPERATORS[self.metric], return_type=Float)
        return op(query)

    def same_space(self) -> ColumnElement[bool]:
        """`space_id = <literal>`: a literal, so even a generic plan proves the partial index."""
        return Embedding.space_id == bindparam("space_id", self.id, literal_execute=True)

    def score(self, distance: float) -> float:
        """Similarity, higher is better: cosine similarity, 1/(1+d) for l2, inner product for ip."""
        if self.metric == "cosine":
            return 1.0 - distance
        if self.metric == "l2":
            return 1.0 / (1.0 + distance)
        return -distance


# --- spaces ----------------------------------------------------------------------------------------


def get_space(session: Session, project_id: int, space_id: int) -> EmbeddingSpace | None:
    stmt = select(EmbeddingSpace).where(
        EmbeddingSpace.project_id == project_id, EmbeddingSpace.id == space_id
    )
    return session.scalars(stmt).first()


def get_space_by_id(session: Session, space_id: int, lock: bool = False) -> EmbeddingSpace | None:
    stmt = select(EmbeddingSpace).where(EmbeddingSpace.id == space_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def list_spaces(session: Session, project_id: int) -> list[EmbeddingSpace]:
    stmt = select(EmbeddingSpace).where(EmbeddingSpace.project_id == project_id).order_by(EmbeddingSpace.id)
    return list(session.scalars(stmt))


def active_space(session: Session, project_id: int) -> EmbeddingSpace | None:
    stmt = select(EmbeddingSpace).where(EmbeddingSpace.project_id == project_id, EmbeddingSpace.is_active)
    return session.scalars(stmt).first()


def spaces_following_uploads(session: Session, project_id: int) -> list[EmbeddingSpace]:
    """Spaces that new items must be embedded into: the active one, and those being built (so a
    blue/green switch does not lose the items uploaded meanwhile)."""
    stmt = select(EmbeddingSpace).where(
        EmbeddingSpace.project_id == project_id,
        EmbeddingSpace.is_active | EmbeddingSpace.status.in_(("queued", "embedding", "indexing")),
    )
    return list(session.scalars(stmt.order_by(EmbeddingSpace.id)))


def add_space(session: Session, space: EmbeddingSpace) -> EmbeddingSpace:
    session.add(space)
    session.flush()
    return space


def delete_space(session: Session, space: EmbeddingSpace) -> None:
    session.delete(space)
    session.flush()


def clear_pending_activation(session: Session, project_id: int) -> None:
    session.execute(
        update(EmbeddingSpace)
        .where(EmbeddingSpace.project_id == project_id, EmbeddingSpace.activate_when_ready)
        .values(activate_when_ready=False)
    )


def make_active(session: Session, space: EmbeddingSpace) -> None:
    """Switch the project's active space in this transaction (the unique index allows one)."""
    session.execute(
        update(EmbeddingSpace)
        .where(EmbeddingSpace.project_id == space.project_id, EmbeddingSpace.id != space.id)
        .values(is_active=False, activate_when_ready=False)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    space.is_active = True
    space.activate_when_ready = False
    session.flush()


def item_counts(session: Session, space_ids: list[int]) -> dict[int, int]:
    if not space_ids:
        return {}
    stmt = (
        select(Embedding.space_id, func.count())
        .where(Embedding.space_id.in_(space_ids))
        .group_by(Embedding.space_id)
    )
    return {int(space_id): int(count) for space_id, count in session.execute(stmt).all()}


def model_version(session: Session, project_id: int, version_id: int) -> ModelVersion | None:
    stmt = select(ModelVersion).where(ModelVersion.project_id == project_id, ModelVersion.id == version_id)
    return session.scalars(stmt).first()


def jobs_progress(session: Session, job_ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    if not job_ids:
        return {}
    rows = session.execute(select(Job.id, Job.status, Job.progress).where(Job.id.in_(job_ids)))
    return {job_id: (status, progress) for job_id, status, progress in rows}


# --- embeddings ------------------------------------------------------------------------------------


def missing_items(
    session: Session, space: SpaceShape | EmbeddingSpace, item_ids: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """(item id, image sha256) of the project's items that have no vector in the space yet."""
    has_vector = exists().where(Embedding.space_id == space.id, Embedding.item_id == Item.id)
    stmt = select(Item.id, Item.sha256).where(Item.project_id == space.project_id, ~has_vector)
    if item_ids is not None:
        stmt = stmt.where(Item.id.in_(list(item_ids)))
    return [(item_id, sha) for item_id, sha in session.execute(stmt.order_by(Item.id))]


def count_vectors(session: Session, space_id: int) -> int:
    return session.scalar(select(func.count()).where(Embedding.space_id == space_id)) or 0


def copy_payload(item_ids: Sequence[int], vectors: np.ndarray, storage: str) -> bytes:
    """PostgreSQL binary COPY rows (item_id int4, vector|halfvec), built in one numpy pass."""
    n, dim = vectors.shape
    elem = ">f2" if storage == "halfvec" else ">f4"
    width = 2 if storage == "halfvec" else 4
    row = np.dtype([
        ("fields", ">i2"), ("id_len", ">i4"), ("id", ">i4"), ("vec_len", ">i4"),
        ("dim", ">u2"), ("unused", ">u2"), ("values", elem, (dim,)),
    ])  # fmt: skip
    rows = np.zeros(n, dtype=row)
    rows["fields"] = 2
    rows["id_len"] = 4
    rows["id"] = np.asarray(item_ids, dtype=np.int64)
    rows["vec_len"] = 4 + width * dim
    rows["dim"] = dim
    rows["values"] = vectors
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def write_vectors(session: Session, space: SpaceShape, item_ids: Sequence[int], vectors: np.ndarray) -> int:
    """Store vectors with a binary COPY into a staging table, then upsert them into `embeddings`
    (items deleted meanwhile are skipped). Returns the rows written."""
    if len(item_ids) == 0:
        return 0
    raw = session.connection().connection.driver_connection
    column = space.column_name
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
            "(item_id int4 NOT NULL, vector vector, half halfvec) ON COMMIT DELETE ROWS"
        )
        cur.execute(f"TRUNCATE {STAGING}")
        with cur.copy(f"COPY {STAGING} (item_id, {column}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(copy_payload(item_ids, vectors, space.storage))
        cur.execute(
            f"INSERT INTO embeddings (space_id, item_id, project_id, {column}) "
            f"SELECT %(space)s, s.item_id, %(project)s, s.{column} FROM {STAGING} s "
            "JOIN items i ON i.id = s.item_id AND i.project_id = %(project)s "
            f"ON CONFLICT (space_id, item_id) DO UPDATE SET {column} = EXCLUDED.{column}",
            {"space": space.id, "project": space.project_id},
        )
        written = cur.rowcount
    return int(written)


def item_vector(
    session: Session, space: SpaceShape, item_id: int, conditions: list[ColumnElement[bool]]
) -> tuple[np.ndarray, bool] | None:
    """An item's vector in the space, and whether the item passes the filter conditions."""
    vec = Embedding.half if space.storage == "halfvec" else Embedding.vector
    stmt = (
        select(vec, and_(*conditions).label("passes"))
        .join(Item, Item.id == Embedding.item_id)
        .where(space.same_space(), Embedding.item_id == item_id)
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    value, passes = row
    array = value.to_numpy() if hasattr(value, "to_numpy") else np.asarray(value, dtype=np.float32)
    return np.asarray(array, dtype=np.float32), bool(passes)


def item_targets(
    session: Session, space: SpaceShape, splits: Sequence[str]
) -> dict[int, tuple[str | None, list[str]]]:
    """Items of the splits that have a vector in the space: {item id: (identity, label names)}."""
    has_vector = exists().where(Embedding.space_id == space.id, Embedding.item_id == Item.id)
    stmt = (
        select(Item.id, Item.identity, LabelClass.name)
        .outerjoin(ItemLabel, ItemLabel.item_id == Item.id)
        .outerjoin(LabelClass, LabelClass.id == ItemLabel.label_class_id)
        .where(Item.project_id == space.project_id, split_condition(splits), has_vector)
        .order_by(Item.id)
    )
    found: dict[int, tuple[str | None, list[str]]] = {}
    for item_id, identity, label in session.execute(stmt):
        entry = found.setdefault(int(item_id), (identity, []))
        if label is not None:
            entry[1].append(str(label))
    return found


def space_vectors(
    session: Session, space: SpaceShape, item_ids: Sequence[int]
) -> tuple[list[int], np.ndarray]:
    """The items' vectors in the space as one float32 matrix, in item id order."""
    vec = Embedding.half if space.storage == "halfvec" else Embedding.vector
    ids: list[int] = []
    rows: list[np.ndarray] = []
    wanted = sorted(item_ids)
    for start in range(0, len(wanted), 10_000):
        chunk = wanted[start : start + 10_000]
        stmt = (
            select(Embedding.item_id, vec)
            .where(space.same_space(), Embedding.item_id.in_(chunk))
            .order_by(Embedding.item_id)
        )
        for item_id, value in session.execute(stmt):
            array = value.to_numpy() if hasattr(value, "to_numpy") else value
            ids.append(int(item_id))
            rows.append(np.asarray(array, dtype=np.float32))
    matrix = np.stack(rows) if rows else np.zeros((0, space.dimension), dtype=np.float32)
    return ids, matrix


def record_version_metrics(session: Session, version: ModelVersion, metrics: dict[str, float]) -> None:
    """Merge metrics into the version's (a new dict, so the JSONB column is seen as changed)."""
    version.metrics = {**version.metrics, **metrics}
    session.flush()


# --- per-space vector indexes ---------------------------------------------------------------------


def index_name(space_id: int, version: int, kind: str) -> str:
    return f"{INDEX_PREFIX}{space_id}_v{version}_{kind}"


def index_ddl(space: SpaceShape, name: str, kind: str, params: dict[str, Any]) -> str:
    """CREATE INDEX CONCURRENTLY on the space's cast expression, partial on its space_id."""
    if space.dimension > MAX_INDEXED_DIMS[space.storage]:
        raise ValueError(
            f"{space.dimension}-d {space.storage} cannot be indexed by pgvector (limit "
            f"{MAX_INDEXED_DIMS[space.storage]}); use halfvec storage or the exact index"
        )
    opclass = f"{space.storage}_{OPCLASS_SUFFIX[space.metric]}"
    if kind == "hnsw":
        options = f"m = {int(params['m'])}, ef_construction = {int(params['ef_construction'])}"
    elif kind == "ivfflat":
        options = f"lists = {int(params['lists'])}"
    else:
        raise ValueError(f"no index to build for {kind!r}")
    return (
        f"CREATE INDEX CONCURRENTLY {name} ON embeddings USING {kind} "
        f"(({space.column_name}::{space.sql_type}) {opclass}) WITH ({options}) WHERE space_id = {space.id}"
    )


def build_index(conn: Connection, ddl: str, name: str, memory: str, workers: int) -> None:
    """Run an index build on an autocommit connection; a failed build leaves no invalid index."""
    conn.execute(text("SELECT set_config('maintenance_work_mem', :m, false)"), {"m": memory})
    conn.execute(
        text("SELECT set_config('max_parallel_maintenance_workers', :w, false)"), {"w": str(workers)}
    )
    try:
        conn.execute(text(ddl))
    except BaseException:
        drop_index(conn, name)
        raise
    finally:
        conn.execute(text("RESET maintenance_work_mem"))
        conn.execute(text("RESET max_parallel_maintenance_workers"))


def drop_index(conn: Connection, name: str | None) -> None:
    """Drop without blocking searches or writes (on an autocommit connection)."""
    if name and re.fullmatch(r"[a-z0-9_]+", name):
        conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))


def vector_indexes(conn: Connection) -> dict[str, int]:
    """Per-space vector indexes that exist, by name, with the space id they serve."""
    rows = conn.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = 'embeddings' AND indexname LIKE :p"),
        {"p": f"{INDEX_PREFIX}%"},
    ).scalars()
    found: dict[str, int] = {}
    for name in rows:
        match = _INDEX_NAME.match(name)
        if match:
            found[name] = int(match.group(1))
    return found


def drop_orphaned_indexes(conn: Connection) -> list[str]:
    """Drop vector indexes whose space was deleted (e.g. with its project)."""
    found = vector_indexes(conn)
    if not found:
        return []
    live = set(
        conn.execute(select(EmbeddingSpace.id).where(EmbeddingSpace.id.in_(set(found.values())))).scalars()
    )
    orphans = [name for name, space_id in found.items() if space_id not in live]
    for name in orphans:
        drop_index(conn, name)
    return orphans


def analyze(conn: Connection) -> None:
    """Fresh planner statistics for every table a filtered search joins. Small tables such as
    label_classes may never reach autovacuum's threshold; without statistics the planner badly
    misjudges how many items a label matches and picks exact plans over the index."""
    conn.execute(text("ANALYZE embeddings, items, item_labels, item_keywords, label_classes"))
