"""Every query on embedding spaces and embeddings, the vector expressions shared with search, and
the space-shaped calls into `mireru.vectors` (binary COPY, per-space index DDL and sweeps)."""

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
from mireru.vectors import copy as vector_copy
from mireru.vectors import ddl as vector_ddl
from mireru.vectors import sweep as vector_sweep

OPERATORS = vector_ddl.OPERATORS
INDEX_PREFIX = "embeddings_space_"
# Versioned: a rebuild is made beside the live index, and the old one dropped after the switch.
INDEXES = vector_ddl.IndexFamily("embeddings", "space_id", INDEX_PREFIX, versioned=True)
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

    @property
    def indexed(self) -> vector_ddl.VectorColumn:
        """The space's vectors as its index sees them."""
        return vector_ddl.VectorColumn(self.column_name, self.storage, self.dimension, self.metric)

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
    return vector_copy.id_vector_payload(item_ids, vectors, storage)


def write_vectors(session: Session, space: SpaceShape, item_ids: Sequence[int], vectors: np.ndarray) -> int:
    """Store vectors with a binary COPY into a staging table, then upsert them into `embeddings`
    (items deleted meanwhile are skipped). Returns the rows written."""
    if len(item_ids) == 0:
        return 0
    column = space.column_name
    merge = (
        f"INSERT INTO embeddings (space_id, item_id, project_id, {column}) "
        f"SELECT %(space)s, s.item_id, %(project)s, s.{column} FROM {STAGING} s "
        "JOIN items i ON i.id = s.item_id AND i.project_id = %(project)s "
        f"ON CONFLICT (space_id, item_id) DO UPDATE SET {column} = EXCLUDED.{column}"
    )
    return vector_copy.copy_staged(
        session,
        STAGING,
        "item_id int4 NOT NULL, vector vector, half halfvec",
        ("item_id", column),
        copy_payload(item_ids, vectors, space.storage),
        merge,
        {"space": space.id, "project": space.project_id},
    )


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
    return INDEXES.name(space_id, kind, version)


def index_ddl(space: SpaceShape, name: str, kind: str, params: dict[str, Any]) -> str:
    """CREATE INDEX CONCURRENTLY on the space's cast expression, partial on its space_id."""
    if not space.indexed.indexable:
        limit = vector_ddl.MAX_INDEXED_DIMS[space.storage]
        raise ValueError(
            f"{space.dimension}-d {space.storage} cannot be indexed by pgvector (limit "
            f"{limit}); use halfvec storage or the exact index"
        )
    return vector_ddl.index_ddl(INDEXES, space.id, space.indexed, name, kind, params)


def build_index(conn: Connection, ddl: str, name: str, memory: str, workers: int) -> None:
    """Run an index build on an autocommit connection; a failed build leaves no invalid index."""
    vector_ddl.build_index(conn, ddl, name, memory, workers)


def drop_index(conn: Connection, name: str | None) -> None:
    """Drop without blocking searches or writes (on an autocommit connection)."""
    vector_ddl.drop_index(conn, name)


def vector_indexes(conn: Connection) -> dict[str, int]:
    """Per-space vector indexes that exist, by name, with the space id they serve."""
    return vector_ddl.list_indexes(conn, INDEXES)


def drop_orphaned_indexes(conn: Connection) -> list[str]:
    """Drop vector indexes whose space was deleted (e.g. with its project)."""
    return vector_sweep.drop_orphaned_indexes(conn, INDEXES, EmbeddingSpace.id)


def analyze(conn: Connection) -> None:
    """Fresh planner statistics for every table a filtered search joins. Small tables such as
    label_classes may never reach autovacuum's threshold; without statistics the planner badly
    misjudges how many items a label matches and picks exact plans over the index."""
    conn.execute(text("ANALYZE embeddings, items, item_labels, item_keywords, label_classes"))
