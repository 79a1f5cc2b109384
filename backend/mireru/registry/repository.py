"""Every query on model versions and deployments."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mireru.models import Deployment, ModelVersion, Project


def next_version(session: Session, project_id: int) -> int:
    """The next version number, serialised per project by a row lock on the project (FOR NO KEY
    UPDATE: it does not block inserts that reference the project)."""
    session.execute(select(Project.id).where(Project.id == project_id).with_for_update(key_share=True)).all()
    current = session.scalar(
        select(func.max(ModelVersion.version)).where(ModelVersion.project_id == project_id)
    )
    return int(current or 0) + 1


def add_version(session: Session, version: ModelVersion) -> ModelVersion:
    session.add(version)
    session.flush()
    return version


def get_version(session: Session, project_id: int, model_id: int) -> ModelVersion | None:
    stmt = select(ModelVersion).where(ModelVersion.project_id == project_id, ModelVersion.id == model_id)
    return session.scalars(stmt).first()


def get_versions(session: Session, project_id: int, model_ids: Sequence[int]) -> list[ModelVersion]:
    stmt = select(ModelVersion).where(
        ModelVersion.project_id == project_id, ModelVersion.id.in_(list(model_ids))
    )
    return list(session.scalars(stmt.order_by(ModelVersion.id)))


def list_versions(session: Session, project_id: int, kind: str | None = None) -> list[ModelVersion]:
    stmt = select(ModelVersion).where(ModelVersion.project_id == project_id)
    if kind is not None:
        stmt = stmt.where(ModelVersion.kind == kind)
    return list(session.scalars(stmt.order_by(ModelVersion.version.desc())))


def delete_version(session: Session, version: ModelVersion) -> None:
    session.delete(version)
    session.flush()


def blob_in_use(session: Session, sha256: str) -> bool:
    return session.scalar(select(func.count()).where(ModelVersion.file_sha256 == sha256)) != 0


def active_deployments(session: Session, project_id: int) -> dict[int, Deployment]:
    """Active deployments of a project by model version id."""
    stmt = select(Deployment).where(Deployment.project_id == project_id, Deployment.active.is_(True))
    return {d.model_version_id: d for d in session.scalars(stmt)}


def active_in_slot(session: Session, project_id: int, slot: str, lock: bool = False) -> Deployment | None:
    stmt = select(Deployment).where(
        Deployment.project_id == project_id, Deployment.slot == slot, Deployment.active.is_(True)
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def slot_history(session: Session, project_id: int, slot: str) -> list[Deployment]:
    """A slot's deployments, newest first."""
    stmt = (
        select(Deployment)
        .where(Deployment.project_id == project_id, Deployment.slot == slot)
        .order_by(Deployment.id.desc())
    )
    return list(session.scalars(stmt))


def retire(session: Session, deployment: Deployment, when: datetime) -> None:
    session.execute(
        update(Deployment).where(Deployment.id == deployment.id).values(active=False, retired_at=when)
    )
    session.expire(deployment)


def add_deployment(session: Session, deployment: Deployment) -> Deployment:
    session.add(deployment)
    session.flush()
    return deployment


def get_deployment(session: Session, deployment_id: int) -> Deployment | None:
    return session.get(Deployment, deployment_id)
