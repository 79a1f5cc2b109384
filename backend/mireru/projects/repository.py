"""Every query on projects."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mireru.models import Item, Project


def get(session: Session, project_id: int) -> Project | None:
    return session.get(Project, project_id)


def get_by_name(session: Session, name: str) -> Project | None:
    return session.scalars(select(Project).where(Project.name == name)).first()


def list_all(session: Session, limit: int, offset: int, only: list[int] | None) -> tuple[list[Project], int]:
    where = [] if only is None else [Project.id.in_(only)]
    total = session.scalar(select(func.count()).select_from(Project).where(*where)) or 0
    rows = session.scalars(select(Project).where(*where).order_by(Project.id).limit(limit).offset(offset))
    return list(rows), total


def item_counts(session: Session, project_ids: list[int]) -> dict[int, int]:
    if not project_ids:
        return {}
    stmt = (
        select(Item.project_id, func.count())
        .where(Item.project_id.in_(project_ids))
        .group_by(Item.project_id)
    )
    return {int(pid): int(n) for pid, n in session.execute(stmt).all()}


def add(session: Session, project: Project) -> Project:
    session.add(project)
    session.flush()
    session.refresh(project)
    return project


def delete(session: Session, project: Project) -> None:
    session.delete(project)
    session.flush()


def blob_digests(session: Session, project_id: int) -> set[str]:
    rows = session.execute(select(Item.sha256, Item.thumb_sha256).where(Item.project_id == project_id))
    return {digest for pair in rows for digest in pair}
