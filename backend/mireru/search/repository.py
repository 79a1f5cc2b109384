"""The search queries: nearest neighbours in one space, filtered in the same SQL statement.

Approximate (index) form, as pgvector recommends for iterative scans with relaxed order:

    WITH hits AS MATERIALIZED (
        SELECT e.item_id, e.vector::vector(512) <=> $q AS distance
        FROM embeddings e JOIN items ON items.id = e.item_id      -- only when there is a filter
        WHERE e.space_id = 7 AND <item filter>
        ORDER BY distance LIMIT k)
    SELECT hits.item_id, hits.distance, items.filename FROM hits JOIN items ... ORDER BY distance + 0

The cast and the literal `space_id = 7` match the space's partial expression index. The exact
form orders by `distance + 0`, which no index can serve, so PostgreSQL filters first (using the
item indexes) and compares the query with every remaining vector.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import ColumnElement, Select, bindparam, literal_column, select
from sqlalchemy.orm import Session

from mireru.embeddings.repository import SpaceShape
from mireru.models import Embedding, Item
from mireru.vectors import settings as vector_settings


# Both index kinds can exist for a moment while an index is replaced by one of the other kind.
@dataclass(frozen=True)
class Hit:
    item_id: int
    distance: float
    filename: str


def configure_scan(session: Session, ef_search: int, probes: int, max_scan_tuples: int) -> None:
    """Per-transaction (SET LOCAL) index scan settings: candidate list size, and iterative scans
    that keep reading the index until k rows pass the filter (up to max_scan_tuples)."""
    vector_settings.configure_scan(
        session, ef_search=ef_search, probes=probes, max_scan_tuples=max_scan_tuples, iterative=True
    )


def nearest_statement(
    space: SpaceShape,
    conditions: Sequence[ColumnElement[bool]] = (),
    exclude_item: bool = False,
    exact: bool = False,
) -> Select[int, float, str]:
    """The search statement (see the module docstring), with bind parameters `query_vector`, `k`
    and, with exclude_item, `exclude_item`. Benchmarks time exactly this SQL."""
    distance = space.distance(space.query_param())
    inner = select(Embedding.item_id.label("item_id"), distance.label("distance")).where(space.same_space())
    if conditions:
        inner = inner.join(Item, Item.id == Embedding.item_id).where(*conditions)
    if exclude_item:
        inner = inner.where(Embedding.item_id != bindparam("exclude_item"))
    inner = inner.order_by(distance + literal_column("0") if exact else distance).limit(bindparam("k"))
    hits = inner.cte("hits").prefix_with("MATERIALIZED")
    return (
        select(hits.c.item_id, hits.c.distance, Item.filename)
        .join(Item, Item.id == hits.c.item_id)
        .order_by(hits.c.distance + literal_column("0"))
    )


@lru_cache(maxsize=256)
def _unfiltered_statement(space: SpaceShape, exclude_item: bool, exact: bool) -> Select[int, float, str]:
    return nearest_statement(space, (), exclude_item, exact)


def nearest(
    session: Session,
    space: SpaceShape,
    query: np.ndarray,
    k: int,
    conditions: Sequence[ColumnElement[bool]] = (),
    exclude_item: int | None = None,
    exact: bool = False,
) -> list[Hit]:
    """The k nearest items of the space that pass `conditions` (conditions on Item), best first."""
    if k <= 0:
        return []
    excluding = exclude_item is not None
    if conditions:
        stmt = nearest_statement(space, conditions, excluding, exact)
    else:  # the common case: built once per space, then only executed
        stmt = _unfiltered_statement(space, excluding, exact)
    params: dict[str, object] = {"query_vector": query, "k": k}
    if excluding:
        params["exclude_item"] = exclude_item
    rows = session.connection().execute(stmt, params)
    return [Hit(int(i), float(d), str(f)) for i, d, f in rows]


def item_filename(session: Session, item_id: int) -> str | None:
    return session.scalar(select(Item.filename).where(Item.id == item_id))


def item_exists(session: Session, project_id: int, item_id: int) -> bool:
    return (
        session.scalar(select(Item.id).where(Item.project_id == project_id, Item.id == item_id)) is not None
    )
