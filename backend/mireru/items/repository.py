"""Every query on items, including the shared filter → SQL translation."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Float, Select, and_, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from mireru.items.schemas import ItemFilter
from mireru.models import Box, Item, ItemKeyword, ItemLabel, LabelClass, Suggestion

_WITH_ANNOTATIONS = (
    selectinload(Item.labels).selectinload(ItemLabel.label_class),
    selectinload(Item.keywords),
    selectinload(Item.boxes).selectinload(Box.label_class),
)


def filter_conditions(project_id: int, f: ItemFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on `Item` for a filter; used by listing, search and dataset selection."""
    conds: list[ColumnElement[bool]] = [Item.project_id == project_id]
    if f.label is not None:
        conds.append(
            exists().where(
                ItemLabel.item_id == Item.id,
                ItemLabel.label_class_id == LabelClass.id,
                LabelClass.name == f.label,
            )
        )
    if f.keyword is not None:
        conds.append(exists().where(ItemKeyword.item_id == Item.id, ItemKeyword.keyword == f.keyword))
    if f.identity is not None:
        conds.append(Item.identity == f.identity)
    if f.split == "none":
        conds.append(Item.split.is_(None))
    elif f.split is not None:
        conds.append(Item.split == f.split)
    if f.text is not None:
        conds.append(Item.text.ilike(f"%{_escape_like(f.text)}%", escape="\\"))
    if f.annotated is not None:
        any_annotation = or_(
            Item.identity.is_not(None),
            exists().where(ItemLabel.item_id == Item.id),
            exists().where(ItemKeyword.item_id == Item.id),
            exists().where(Box.item_id == Item.id),
        )
        conds.append(any_annotation if f.annotated else not_(any_annotation))
    if f.pending_suggestions is not None:
        pending = exists().where(Suggestion.item_id == Item.id, Suggestion.status == "pending")
        conds.append(pending if f.pending_suggestions else not_(pending))
    if f.crop is not None:
        conds.append(_is_crop() if f.crop else not_(_is_crop()))
    if f.source_item_id is not None:
        conds.append(Item.source_item_id == f.source_item_id)
    for key, value in f.metadata.items():
        text_value = str(value).lower() if isinstance(value, bool) else str(value)
        conds.append(Item.meta[key].astext == text_value)
    for key, rng in f.measurements.items():
        reading = Item.measurements[key].astext.cast(Float)
        conds.append(Item.measurements.has_key(key))
        if rng.gte is not None:
            conds.append(reading >= rng.gte)
        if rng.lte is not None:
            conds.append(reading <= rng.lte)
        if rng.gt is not None:
            conds.append(reading > rng.gt)
        if rng.lt is not None:
            conds.append(reading < rng.lt)
    return conds


def split_condition(splits: Sequence[str]) -> ColumnElement[bool]:
    """Items in any of `splits`, where "none" stands for items without a split."""
    named = [s for s in splits if s != "none"]
    conds: list[ColumnElement[bool]] = []
    if named:
        conds.append(Item.split.in_(named))
    if "none" in splits:
        conds.append(Item.split.is_(None))
    return or_(*conds)


def _is_crop() -> ColumnElement[bool]:
    # A crop keeps its box after its source item is deleted (source_item_id becomes NULL), and a
    # JSON null in source_box is no box: never NULL, so NOT(...) selects every other item.
    has_box = func.coalesce(func.jsonb_typeof(Item.source_box), "") == "object"
    return or_(Item.source_item_id.is_not(None), has_box)


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def select_filtered(project_id: int, f: ItemFilter) -> Select[Item]:
    return select(Item).where(and_(*filter_conditions(project_id, f)))


def list_items(
    session: Session, project_id: int, f: ItemFilter, limit: int, offset: int
) -> tuple[list[Item], int]:
    conds = filter_conditions(project_id, f)
    total = session.scalar(select(func.count()).select_from(Item).where(*conds)) or 0
    stmt = (
        select(Item).where(*conds).options(*_WITH_ANNOTATIONS).order_by(Item.id).limit(limit).offset(offset)
    )
    return list(session.scalars(stmt)), total


def get(session: Session, project_id: int, item_id: int) -> Item | None:
    stmt = select(Item).where(Item.project_id == project_id, Item.id == item_id).options(*_WITH_ANNOTATIONS)
    return session.scalars(stmt).first()


def get_many(session: Session, project_id: int, item_ids: Sequence[int]) -> list[Item]:
    if not item_ids:
        return []
    stmt = (
        select(Item).where(Item.project_id == project_id, Item.id.in_(item_ids)).options(*_WITH_ANNOTATIONS)
    )
    return list(session.scalars(stmt))


def find_by_sha(session: Session, project_id: int, sha256: str) -> Item | None:
    stmt = (
        select(Item).where(Item.project_id == project_id, Item.sha256 == sha256).options(*_WITH_ANNOTATIONS)
    )
    return session.scalars(stmt).first()


def find_by_filename(session: Session, project_id: int, filenames: Sequence[str]) -> dict[str, Item]:
    if not filenames:
        return {}
    stmt = (
        select(Item)
        .where(Item.project_id == project_id, Item.filename.in_(list(set(filenames))))
        .options(*_WITH_ANNOTATIONS)
        .order_by(Item.id)
    )
    found: dict[str, Item] = {}
    for item in session.scalars(stmt):
        found.setdefault(item.filename, item)
    return found


def add(session: Session, item: Item) -> Item:
    session.add(item)
    session.flush()
    return item


def delete(session: Session, item: Item) -> None:
    session.delete(item)
    session.flush()


def neighbours(
    session: Session, project_id: int, f: ItemFilter, item_id: int
) -> tuple[int | None, int | None, int, int]:
    conds = filter_conditions(project_id, f)
    previous = session.scalar(select(func.max(Item.id)).where(*conds, Item.id < item_id))
    following = session.scalar(select(func.min(Item.id)).where(*conds, Item.id > item_id))
    index = session.scalar(select(func.count()).select_from(Item).where(*conds, Item.id < item_id)) or 0
    total = session.scalar(select(func.count()).select_from(Item).where(*conds)) or 0
    return previous, following, int(index), int(total)


def metadata_keys(session: Session, project_id: int, limit: int) -> list[tuple[str, int]]:
    key = func.jsonb_object_keys(Item.meta).table_valued("value").render_derived(name="key")
    stmt = (
        select(key.c.value, func.count())
        .select_from(Item)
        .join(key, literal(True))
        .where(Item.project_id == project_id)
        .group_by(key.c.value)
        .order_by(func.count().desc(), key.c.value)
        .limit(limit)
    )
    return [(str(k), int(n)) for k, n in session.execute(stmt).all()]


def reading_ranges(session: Session, project_id: int, limit: int) -> list[tuple[str, int, float, float]]:
    pair = func.jsonb_each(Item.measurements).table_valued("key", "value").alias("reading")
    number = pair.c.value.cast(Float)
    stmt = (
        select(pair.c.key, func.count(), func.min(number), func.max(number))
        .select_from(Item)
        .join(pair, literal(True))
        .where(Item.project_id == project_id)
        .group_by(pair.c.key)
        .order_by(pair.c.key)
        .limit(limit)
    )
    return [(str(k), int(n), float(lo), float(hi)) for k, n, lo, hi in session.execute(stmt).all()]
