"""Annotation rules: boxes inside the image, label classes created on first use."""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from mireru.annotations import repository
from mireru.annotations.schemas import (
    AnnotationsPatch,
    AnnotationsPut,
    BoxIn,
    LabelClassCreate,
    LabelClassUpdate,
)
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.items import repository as items_repo
from mireru.models import Item, LabelClass, Project


def ensure_classes(session: Session, project_id: int, names: Sequence[str]) -> dict[str, LabelClass]:
    """Label classes by name, creating the missing ones (annotators label as they go)."""
    wanted = list(dict.fromkeys(names))
    found = repository.classes_by_name(session, project_id, wanted)
    for name in wanted:
        if name not in found:
            found[name] = repository.add_class(session, LabelClass(project_id=project_id, name=name))
    return found


def check_boxes(item: Item, boxes: Sequence[BoxIn]) -> None:
    for i, b in enumerate(boxes):
        # A tolerance of half a pixel absorbs rounding in clients that draw on scaled images.
        if b.x + b.w > item.width + 0.5 or b.y + b.h > item.height + 0.5:
            raise InvalidInput(
                f"box {i} ({b.x}, {b.y}, {b.w}x{b.h}) extends outside the {item.width}x{item.height} image",
                box=i,
                width=item.width,
                height=item.height,
            )


def _set_labels(session: Session, item: Item, names: Sequence[str]) -> None:
    classes = ensure_classes(session, item.project_id, names)
    repository.replace_labels(session, item, [classes[n] for n in names])


def _set_boxes(session: Session, item: Item, boxes: Sequence[BoxIn]) -> None:
    check_boxes(item, boxes)
    classes = ensure_classes(session, item.project_id, [b.label for b in boxes])
    repository.replace_boxes(session, item, [(classes[b.label], b.x, b.y, b.w, b.h) for b in boxes])


def put_annotations(session: Session, item: Item, data: AnnotationsPut) -> None:
    check_boxes(item, data.boxes)
    _set_labels(session, item, data.labels)
    repository.replace_keywords(session, item, data.keywords)
    _set_boxes(session, item, data.boxes)
    item.identity = data.identity.strip() or None if data.identity else None
    item.split = data.split
    session.flush()
    _forget_annotations(session, item)


def _forget_annotations(session: Session, item: Item) -> None:
    """The lists were rewritten with bulk SQL; make the next load read them again."""
    session.expire(item, ["labels", "keywords", "boxes"])


def _merge(current: list[str], replace: list[str] | None, add: list[str], remove: list[str]) -> list[str]:
    base = list(replace) if replace is not None else list(current)
    base += [t for t in add if t not in base]
    return [t for t in base if t not in remove]


def patch_annotations(session: Session, item: Item, data: AnnotationsPatch) -> None:
    given = data.model_fields_set
    current_labels = sorted(lbl.label_class.name for lbl in item.labels)
    labels = _merge(current_labels, data.labels, data.add_labels, data.remove_labels)
    if labels != current_labels:
        _set_labels(session, item, labels)
    current_keywords = sorted(k.keyword for k in item.keywords)
    keywords = _merge(current_keywords, data.keywords, data.add_keywords, data.remove_keywords)
    if keywords != current_keywords:
        repository.replace_keywords(session, item, keywords)
    if data.boxes is not None:
        _set_boxes(session, item, data.boxes)
    if "identity" in given:
        item.identity = data.identity.strip() or None if data.identity else None
    if "split" in given:
        item.split = data.split
    session.flush()
    _forget_annotations(session, item)


def bulk_patch(session: Session, project: Project, item_ids: Sequence[int], data: AnnotationsPatch) -> int:
    items = items_repo.get_many(session, project.id, item_ids)
    missing = set(item_ids) - {i.id for i in items}
    if missing:
        raise NotFound(f"items {sorted(missing)[:10]} do not exist in project {project.id}")
    for item in items:
        patch_annotations(session, item, data)
    return len(items)


def get_class(session: Session, project: Project, class_id: int) -> LabelClass:
    label_class = repository.get_class(session, project.id, class_id)
    if label_class is None:
        raise NotFound(f"label class {class_id} does not exist in project {project.id}")
    return label_class


def create_class(session: Session, project: Project, data: LabelClassCreate) -> LabelClass:
    name = data.name.strip()
    if repository.classes_by_name(session, project.id, [name]):
        raise Conflict(f"label class {name!r} already exists")
    return repository.add_class(session, LabelClass(project_id=project.id, name=name, color=data.color))


def update_class(
    session: Session, project: Project, label_class: LabelClass, data: LabelClassUpdate
) -> LabelClass:
    if data.name is not None and data.name.strip() != label_class.name:
        if repository.classes_by_name(session, project.id, [data.name.strip()]):
            raise Conflict(f"label class {data.name.strip()!r} already exists")
        label_class.name = data.name.strip()
    if data.color is not None:
        label_class.color = data.color
    session.flush()
    return label_class
