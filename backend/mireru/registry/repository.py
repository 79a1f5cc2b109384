"""Every query on model versions and deployments, and the deploy gate's reads of the items it
scores versions on."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mireru.items.repository import split_condition
from mireru.models import (
    Box,
    Deployment,
    Item,
    ItemKeyword,
    ItemLabel,
    LabelClass,
    ModelVersion,
    Project,
)


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


def record_metrics(session: Session, version: ModelVersion, metrics: dict[str, float]) -> None:
    """Merge metrics into the version's (a new dict, so the JSONB column is seen as changed)."""
    version.metrics = {**version.metrics, **metrics}
    session.flush()


# --- what the deploy gate scores versions on ------------------------------------------------------


@dataclass
class ItemFacts:
    """An item's split ("none" when it has none) and the annotations a kind is scored against."""

    split: str
    sha256: str
    identity: str | None = None
    labels: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float, str]] = field(default_factory=list)  # x, y, w, h


def _facts(session: Session, project_id: int, splits: Sequence[str]) -> dict[int, ItemFacts]:
    stmt = (
        select(Item.id, Item.split, Item.sha256, Item.identity)
        .where(Item.project_id == project_id, split_condition(splits))
        .order_by(Item.id)
    )
    return {
        int(item_id): ItemFacts(split or "none", sha256, identity)
        for item_id, split, sha256, identity in session.execute(stmt)
    }


def items_with_labels(session: Session, project_id: int, splits: Sequence[str]) -> dict[int, ItemFacts]:
    """Items of the splits with their identity and label names."""
    found = _facts(session, project_id, splits)
    stmt = (
        select(ItemLabel.item_id, LabelClass.name)
        .join(LabelClass, LabelClass.id == ItemLabel.label_class_id)
        .join(Item, Item.id == ItemLabel.item_id)
        .where(ItemLabel.project_id == project_id, split_condition(splits))
        .order_by(ItemLabel.item_id, LabelClass.name)
    )
    for item_id, name in session.execute(stmt):
        found[int(item_id)].labels.append(str(name))
    return found


def items_with_keywords(session: Session, project_id: int, splits: Sequence[str]) -> dict[int, ItemFacts]:
    found = _facts(session, project_id, splits)
    stmt = (
        select(ItemKeyword.item_id, ItemKeyword.keyword)
        .join(Item, Item.id == ItemKeyword.item_id)
        .where(ItemKeyword.project_id == project_id, split_condition(splits))
        .order_by(ItemKeyword.item_id, ItemKeyword.keyword)
    )
    for item_id, keyword in session.execute(stmt):
        found[int(item_id)].keywords.append(str(keyword))
    return found


def items_with_boxes(session: Session, project_id: int, splits: Sequence[str]) -> dict[int, ItemFacts]:
    """Items of the splits with their boxes in the image's pixels ((x, y) the top-left corner)."""
    found = _facts(session, project_id, splits)
    stmt = (
        select(Box.item_id, Box.x, Box.y, Box.w, Box.h, LabelClass.name)
        .join(LabelClass, LabelClass.id == Box.label_class_id)
        .join(Item, Item.id == Box.item_id)
        .where(Box.project_id == project_id, split_condition(splits))
        .order_by(Box.item_id, Box.id)
    )
    for item_id, x, y, w, h, name in session.execute(stmt):
        found[int(item_id)].boxes.append((float(x), float(y), float(w), float(h), str(name)))
    return found


def item_measurements(
    session: Session, project_id: int, item_ids: Sequence[int]
) -> dict[int, dict[str, float]]:
    """The items' sensor readings, for classifiers fused with measurements."""
    if not item_ids:
        return {}
    stmt = select(Item.id, Item.measurements).where(
        Item.project_id == project_id, Item.id.in_(list(item_ids))
    )
    return {int(item_id): dict(readings or {}) for item_id, readings in session.execute(stmt)}
