"""Queries on positive pairs."""

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from mireru.models import Item, PositivePair


def _of_item(item_id: int | None) -> list[ColumnElement[bool]]:
    if item_id is None:
        return []
    return [or_(PositivePair.item_a_id == item_id, PositivePair.item_b_id == item_id)]


def list_pairs(
    session: Session, project_id: int, item_id: int | None, limit: int, offset: int
) -> tuple[list[PositivePair], int]:
    conds = [PositivePair.project_id == project_id, *_of_item(item_id)]
    total = session.scalar(select(func.count()).select_from(PositivePair).where(*conds)) or 0
    rows = session.scalars(
        select(PositivePair).where(*conds).order_by(PositivePair.id).limit(limit).offset(offset)
    )
    return list(rows), total


def get_pair(session: Session, project_id: int, pair_id: int) -> PositivePair | None:
    return session.scalar(
        select(PositivePair).where(PositivePair.project_id == project_id, PositivePair.id == pair_id)
    )


def delete_pair(session: Session, pair: PositivePair) -> None:
    session.execute(delete(PositivePair).where(PositivePair.id == pair.id))


def add_pairs(session: Session, project_id: int, pairs: Iterable[tuple[int, int]]) -> int:
    """Insert (smaller id, larger id) pairs, skipping those already stored; how many were new."""
    rows = [{"project_id": project_id, "item_a_id": a, "item_b_id": b} for a, b in pairs]
    if not rows:
        return 0
    stmt = insert(PositivePair).values(rows).on_conflict_do_nothing(constraint="uq_positive_pairs_items")
    result = session.execute(stmt.returning(PositivePair.id))
    return len(result.all())


def existing_item_ids(session: Session, project_id: int, item_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    ids = list(item_ids)
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        found.update(
            session.scalars(select(Item.id).where(Item.project_id == project_id, Item.id.in_(chunk)))
        )
    return found


def pairs_among(session: Session, item_conditions: Sequence[ColumnElement[bool]]) -> list[tuple[int, int]]:
    """Pairs whose two items both satisfy `item_conditions` (conditions on `Item`), oldest first."""
    selected = select(Item.id).where(*item_conditions)
    stmt = (
        select(PositivePair.item_a_id, PositivePair.item_b_id)
        .where(PositivePair.item_a_id.in_(selected), PositivePair.item_b_id.in_(selected))
        .order_by(PositivePair.id)
    )
    return [(a, b) for a, b in session.execute(stmt)]
