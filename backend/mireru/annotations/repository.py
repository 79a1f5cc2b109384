"""Every query on label classes, item labels, keywords and boxes."""

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mireru.models import Box, Item, ItemKeyword, ItemLabel, LabelClass


def list_classes(session: Session, project_id: int) -> list[tuple[LabelClass, int]]:
    counts = (
        select(ItemLabel.label_class_id, func.count().label("n"))
        .where(ItemLabel.project_id == project_id)
        .group_by(ItemLabel.label_class_id)
        .subquery()
    )
    stmt = (
        select(LabelClass, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.label_class_id == LabelClass.id)
        .where(LabelClass.project_id == project_id)
        .order_by(LabelClass.name)
    )
    return [(c, int(n)) for c, n in session.execute(stmt)]


def get_class(session: Session, project_id: int, class_id: int) -> LabelClass | None:
    return session.scalars(
        select(LabelClass).where(LabelClass.project_id == project_id, LabelClass.id == class_id)
    ).first()


def classes_by_name(session: Session, project_id: int, names: Sequence[str]) -> dict[str, LabelClass]:
    if not names:
        return {}
    stmt = select(LabelClass).where(LabelClass.project_id == project_id, LabelClass.name.in_(list(names)))
    return {c.name: c for c in session.scalars(stmt)}


def add_class(session: Session, label_class: LabelClass) -> LabelClass:
    session.add(label_class)
    session.flush()
    return label_class


def delete_class(session: Session, label_class: LabelClass) -> None:
    session.delete(label_class)
    session.flush()


def replace_labels(session: Session, item: Item, classes: Sequence[LabelClass]) -> None:
    session.execute(delete(ItemLabel).where(ItemLabel.item_id == item.id))
    session.add_all(
        ItemLabel(item_id=item.id, label_class_id=c.id, project_id=item.project_id) for c in classes
    )


def replace_keywords(session: Session, item: Item, keywords: Sequence[str]) -> None:
    session.execute(delete(ItemKeyword).where(ItemKeyword.item_id == item.id))
    session.add_all(ItemKeyword(item_id=item.id, keyword=k, project_id=item.project_id) for k in keywords)


def replace_boxes(
    session: Session, item: Item, boxes: Sequence[tuple[LabelClass, float, float, float, float]]
) -> None:
    session.execute(delete(Box).where(Box.item_id == item.id))
    session.add_all(
        Box(item_id=item.id, project_id=item.project_id, label_class_id=c.id, x=x, y=y, w=w, h=h)
        for c, x, y, w, h in boxes
    )


def keyword_counts(
    session: Session, project_id: int, prefix: str | None, limit: int
) -> list[tuple[str, int]]:
    stmt = select(ItemKeyword.keyword, func.count()).where(ItemKeyword.project_id == project_id)
    if prefix:
        stmt = stmt.where(ItemKeyword.keyword.ilike(prefix.replace("%", r"\%").replace("_", r"\_") + "%"))
    stmt = stmt.group_by(ItemKeyword.keyword).order_by(func.count().desc(), ItemKeyword.keyword).limit(limit)
    return [(k, int(n)) for k, n in session.execute(stmt)]


def identity_counts(session: Session, project_id: int, limit: int) -> list[tuple[str, int]]:
    stmt = (
        select(Item.identity, func.count())
        .where(Item.project_id == project_id, Item.identity.is_not(None))
        .group_by(Item.identity)
        .order_by(func.count().desc(), Item.identity)
        .limit(limit)
    )
    return [(str(i), int(n)) for i, n in session.execute(stmt)]
