"""Every query on users, memberships, API keys and sessions."""

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from mireru.models import ApiKey, AuthSession, Job, ProjectMember, User


def any_user(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(User.id.is_not(None)))))


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def add(session: Session, row: User | ProjectMember | ApiKey | AuthSession) -> None:
    session.add(row)
    session.flush()


def membership(session: Session, project_id: int, user_id: int) -> ProjectMember | None:
    return session.scalars(
        select(ProjectMember).where(ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)
    ).first()


def members(session: Session, project_id: int) -> list[tuple[ProjectMember, User]]:
    stmt = (
        select(ProjectMember, User)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id)
        .order_by(User.username)
    )
    return [(m, u) for m, u in session.execute(stmt).all()]


def remove_member(session: Session, project_id: int, user_id: int) -> int:
    result = session.execute(
        delete(ProjectMember).where(ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def member_projects(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)))


def key_by_hash(session: Session, digest: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.key_hash == digest)).first()


def keys_of(session: Session, project_id: int) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.project_id == project_id).order_by(ApiKey.id)))


def get_key(session: Session, project_id: int, key_id: int) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.project_id == project_id, ApiKey.id == key_id)).first()


def touch_key(session: Session, key_id: int, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


def session_by_hash(session: Session, digest: str) -> AuthSession | None:
    return session.scalars(select(AuthSession).where(AuthSession.token_hash == digest)).first()


def delete_session(session: Session, digest: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.token_hash == digest))


def job_project(session: Session, job_id: str) -> tuple[bool, int | None]:
    """(exists, project id) of a job; jobs of no project are visible to superusers only."""
    row = session.execute(select(Job.project_id).where(Job.id == job_id)).first()
    return (row is not None, None if row is None else row[0])
