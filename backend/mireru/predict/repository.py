"""Every query on suggestions."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from mireru.models import Suggestion


def add_all(session: Session, suggestions: Sequence[Suggestion]) -> None:
    session.add_all(list(suggestions))
    session.flush()


def clear_pending(session: Session, project_id: int, item_ids: Sequence[int], kind: str) -> None:
    """A new prediction replaces the pending suggestions of the same kind; decided ones stay."""
    session.execute(
        delete(Suggestion).where(
            Suggestion.project_id == project_id,
            Suggestion.item_id.in_(list(item_ids)),
            Suggestion.kind == kind,
            Suggestion.status == "pending",
        )
    )


def list_for(
    session: Session,
    project_id: int,
    item_id: int | None,
    status: str | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Suggestion], int]:
    conds = [Suggestion.project_id == project_id]
    if item_id is not None:
        conds.append(Suggestion.item_id == item_id)
    if status is not None:
        conds.append(Suggestion.status == status)
    if kind is not None:
        conds.append(Suggestion.kind == kind)
    total = session.scalar(select(func.count()).select_from(Suggestion).where(*conds))
    stmt = (
        select(Suggestion)
        .where(*conds)
        .order_by(Suggestion.item_id, Suggestion.score.desc(), Suggestion.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt)), int(total or 0)


def pending_by_ids(session: Session, project_id: int, ids: Sequence[int]) -> list[Suggestion]:
    stmt = (
        select(Suggestion)
        .where(Suggestion.project_id == project_id, Suggestion.id.in_(list(ids)))
        .order_by(Suggestion.item_id, Suggestion.id)
        .with_for_update()
    )
    return list(session.scalars(stmt))


def decide(session: Session, ids: Sequence[int], status: str, now: datetime) -> None:
    if ids:
        session.execute(
            update(Suggestion).where(Suggestion.id.in_(list(ids))).values(status=status, decided_at=now)
        )
