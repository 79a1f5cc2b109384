"""Import records into a project: each in its own savepoint, so a bad image or annotation is
skipped with a reason while the rest of the batch goes in."""

import posixpath
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from mireru.annotations import service as annotations
from mireru.annotations.schemas import AnnotationsPatch, AnnotationsPut, BoxIn
from mireru.config import Settings
from mireru.datasets import repository
from mireru.datasets.archive import SafeZip
from mireru.datasets.records import ImportRecord
from mireru.datasets.schemas import ImportResult, SkippedRecord
from mireru.errors import InvalidInput, MireruError, NotFound
from mireru.items import repository as items_repo
from mireru.items import service as items
from mireru.models import Item, Project
from mireru.pairs import repository as pairs_repo
from mireru.storage import BlobStore
from mireru.storage import references as blob_refs

MAX_LISTED_ERRORS = 100

# What each record became: its archive path and its file name -> item id (None: several images).
ImportedNames = dict[str, int | None]


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()[:3])


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _checked(rec: ImportRecord) -> tuple[AnnotationsPut, AnnotationsPatch]:
    """The record's annotations as the annotation service takes them: the whole set for a new
    item, and a patch for one already there (labels and keywords added, identity/split/boxes
    replaced only when the import has them). Checked before any file is written."""
    if rec.text is not None and len(rec.text) > items.MAX_TEXT_CHARS:
        raise InvalidInput(f"text is longer than {items.MAX_TEXT_CHARS} characters")
    # PostgreSQL refuses NUL in text and jsonb; refuse it here, before any file is stored.
    if _has_nul([rec.filename, rec.text, rec.identity, rec.labels, rec.keywords, rec.metadata]):
        raise InvalidInput("a NUL character in the text, metadata or annotations")
    try:
        boxes = [BoxIn(label=b.label, x=b.x, y=b.y, w=b.w, h=b.h) for b in rec.boxes]
        put = AnnotationsPut(
            labels=rec.labels, keywords=rec.keywords, identity=rec.identity, split=rec.split, boxes=boxes
        )
        changes: dict[str, object] = {"add_labels": rec.labels, "add_keywords": rec.keywords}
        if rec.identity:
            changes["identity"] = rec.identity
        if rec.split:
            changes["split"] = rec.split
        if rec.boxes:
            changes["boxes"] = boxes
        patch = AnnotationsPatch.model_validate(changes)
    except ValidationError as exc:
        raise InvalidInput(f"invalid annotations: {_validation_message(exc)}") from exc
    return put, patch


def _merge_into(session: Session, item: Item, rec: ImportRecord, patch: AnnotationsPatch) -> None:
    annotations.patch_annotations(session, item, patch)
    if rec.metadata:
        item.meta = {**item.meta, **rec.metadata}
    if rec.measurements:
        item.measurements = {**item.measurements, **rec.measurements}
    if rec.text is not None:
        item.text = rec.text


def _existing(session: Session, project_id: int, filename: str) -> Item:
    """The one item a CSV row names: by its file name, or the last part of a path
    (an ImageFolder export's CSV names `class/image.png`)."""
    for name in dict.fromkeys((filename, posixpath.basename(filename))):
        count = repository.count_named(session, project_id, name)
        if count > 1:
            raise InvalidInput(f"{count} items are named {name!r}; the CSV cannot tell which to update")
        if count == 1:
            return items_repo.find_by_filename(session, project_id, [name])[name]
    raise NotFound(f"no item named {filename!r} in the project")


def _remember(names: ImportedNames, rec: ImportRecord, item_id: int) -> None:
    for key in dict.fromkeys(k for k in (rec.path, rec.filename) if k):
        names[key] = item_id if names.get(key, item_id) == item_id else None


def _import_one(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    project: Project,
    rec: ImportRecord,
    archive: SafeZip | None,
    result: ImportResult,
    written: set[str],
) -> int:
    """The record's item id, after creating or updating it."""
    put, patch = _checked(rec)
    if rec.path is None or archive is None:
        existing = _existing(session, project.id, rec.filename)
        _merge_into(session, existing, rec, patch)
        result.updated += 1
        return existing.id
    image = items.NewImage(
        filename=rec.filename,
        data=archive.read(rec.path, settings.max_upload_bytes),
        metadata=rec.metadata,
        measurements=rec.measurements,
        text=rec.text,
    )
    [(item, duplicate)] = items.add_images(session, blobs, settings, project, [image])
    if duplicate:
        _merge_into(session, item, rec, patch)
        result.duplicates += 1
        return item.id
    written.update((item.sha256, item.thumb_sha256))
    annotations.put_annotations(session, item, put)
    result.created += 1
    return item.id


def _reason(exc: Exception) -> str:
    if isinstance(exc, MireruError):
        return exc.message
    # A value PostgreSQL refuses (e.g. a NUL character) or a row another import just added.
    first_line = str(getattr(exc, "orig", exc)).splitlines()[0]
    return f"the database refused the record: {first_line}"


def import_batch(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    project_id: int,
    records: list[ImportRecord],
    archive: SafeZip | None,
    result: ImportResult,
    names: ImportedNames,
) -> None:
    """Import records in one transaction; each in its own savepoint so a bad one is skipped."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} was deleted during the import")
    for rec in records:
        written: set[str] = set()
        try:
            with session.begin_nested():
                item_id = _import_one(session, blobs, settings, project, rec, archive, result, written)
            _remember(names, rec, item_id)
        except (MireruError, DataError, IntegrityError) as exc:
            # The savepoint is gone, so files stored for this record alone are orphans now.
            blob_refs.delete_unreferenced(session, blobs, written)
            result.skipped += 1
            _note(result, rec.path or rec.filename, _reason(exc))


def _note(result: ImportResult, filename: str, error: str) -> None:
    if len(result.errors) < MAX_LISTED_ERRORS:
        result.errors.append(SkippedRecord(filename=filename, error=error))


def _positive_id(session: Session, project_id: int, names: ImportedNames, name: str) -> int:
    """An image a `positives` cell names: one of this import's, else an item already there."""
    if name in names:
        item_id = names[name]
        if item_id is None:
            raise InvalidInput("several images of the import have that name")
        return item_id
    return _existing(session, project_id, name).id


def link_positives(
    session: Session, project_id: int, records: list[ImportRecord], names: ImportedNames, result: ImportResult
) -> None:
    """Store the records' positive pairs once every record is in. A name that matches nothing is
    listed as a problem and its pair left out; the items themselves stay imported."""
    pairs: set[tuple[int, int]] = set()
    for rec in records:
        own = names.get(rec.path or rec.filename) if rec.positives else None
        if own is None:
            continue  # no positives, or the record was skipped (and its reason listed)
        for name in rec.positives:
            try:
                other = _positive_id(session, project_id, names, name)
            except MireruError as exc:
                problem = f"positive pair with {name!r} left out: {exc.message}"
                _note(result, rec.path or rec.filename, problem)
                continue
            if other != own:
                pairs.add((min(own, other), max(own, other)))
    ordered = sorted(pairs)
    for start in range(0, len(ordered), 5_000):
        result.pairs += pairs_repo.add_pairs(session, project_id, ordered[start : start + 5_000])
