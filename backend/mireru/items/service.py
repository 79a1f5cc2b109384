"""Item rules: validated uploads stored exactly once, consistent blob and row lifecycles."""

import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mireru import events
from mireru.config import Settings
from mireru.db import after_commit, after_rollback
from mireru.errors import InvalidInput, NotFound
from mireru.items import repository
from mireru.items.events import ItemsAdded
from mireru.items.images import inspect_image
from mireru.items.schemas import BoxRead, ItemFilter, ItemRead, ItemUpdate, UploadedItem
from mireru.models import Item, Project
from mireru.storage import BlobStore
from mireru.storage import references as blob_refs

MAX_TEXT_CHARS = 100_000
MAX_JSON_CHARS = 100_000


@dataclass
class NewImage:
    """One image to add, with whatever the caller knows about it."""

    filename: str
    data: bytes
    metadata: dict[str, Any] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    text: str | None = None


def to_read(item: Item) -> ItemRead:
    base = f"/api/v1/projects/{item.project_id}/items/{item.id}"
    return ItemRead(
        id=item.id,
        project_id=item.project_id,
        filename=item.filename,
        sha256=item.sha256,
        media_type=item.media_type,
        width=item.width,
        height=item.height,
        size_bytes=item.size_bytes,
        metadata=item.meta,
        measurements=item.measurements,
        text=item.text,
        split=item.split,
        identity=item.identity,
        labels=sorted(lbl.label_class.name for lbl in item.labels),
        keywords=sorted(k.keyword for k in item.keywords),
        boxes=[BoxRead(id=b.id, label=b.label_class.name, x=b.x, y=b.y, w=b.w, h=b.h) for b in item.boxes],
        source_item_id=item.source_item_id,
        source_box=item.source_box,
        created_at=item.created_at,
        updated_at=item.updated_at,
        image_url=f"{base}/image",
        thumbnail_url=f"{base}/thumbnail",
    )


def get_item(session: Session, project: Project, item_id: int) -> Item:
    item = repository.get(session, project.id, item_id)
    if item is None:
        raise NotFound(f"item {item_id} does not exist in project {project.id}")
    return item


def list_items(
    session: Session, project: Project, f: ItemFilter, limit: int, offset: int
) -> tuple[list[ItemRead], int]:
    items, total = repository.list_items(session, project.id, f, limit, offset)
    return [to_read(i) for i in items], total


# --- parsing of the multipart form fields -------------------------------------------------------


def _parse_json(raw: str | None, name: str) -> Any:
    if raw is None or raw.strip() == "":
        return None
    if len(raw) > MAX_JSON_CHARS:
        raise InvalidInput(f"{name}: JSON is longer than {MAX_JSON_CHARS} characters", field=name)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}: malformed JSON ({exc.msg} at position {exc.pos})", field=name) from exc


def check_metadata(value: Any, where: str = "metadata") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a JSON object", field="metadata")
    return value


def check_measurements(value: Any, where: str = "measurements") -> dict[str, float]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a JSON object of numbers", field="measurements")
    out: dict[str, float] = {}
    for key, reading in value.items():
        if isinstance(reading, bool) or not isinstance(reading, (int, float)) or not math.isfinite(reading):
            raise InvalidInput(
                f"{where}.{key} must be a finite number, got {reading!r} (send timestamps as epoch seconds)",
                field="measurements",
                key=key,
            )
        out[str(key)] = reading
    return out


def _per_file(value: Any, count: int, name: str) -> list[Any]:
    """A form field applies to every file, or is a JSON list with one entry per file."""
    if isinstance(value, list):
        if len(value) != count:
            raise InvalidInput(
                f"{name} is a list of {len(value)} entries but {count} files were sent", field=name
            )
        return value
    return [value] * count


def build_new_images(
    files: list[tuple[str, bytes]], metadata: str | None, measurements: str | None, text: str | None
) -> list[NewImage]:
    n = len(files)
    metas = _per_file(_parse_json(metadata, "metadata"), n, "metadata")
    readings = _per_file(_parse_json(measurements, "measurements"), n, "measurements")
    texts: list[Any]
    parsed_text = None
    if text is not None and text.lstrip().startswith("["):
        parsed_text = _parse_json(text, "text")
    texts = _per_file(parsed_text, n, "text") if isinstance(parsed_text, list) else [text] * n
    images = []
    for (filename, data), meta, reading, txt in zip(files, metas, readings, texts, strict=True):
        if txt is not None and not isinstance(txt, str):
            raise InvalidInput("text must be a string or a JSON list of strings", field="text")
        if txt is not None and len(txt) > MAX_TEXT_CHARS:
            raise InvalidInput(f"text is longer than {MAX_TEXT_CHARS} characters", field="text")
        images.append(
            NewImage(
                filename=filename,
                data=data,
                metadata=check_metadata(meta) if meta is not None else {},
                measurements=check_measurements(reading) if reading is not None else {},
                text=txt,
            )
        )
    return images


# --- adding images -------------------------------------------------------------------------------


def add_images(
    session: Session, blobs: BlobStore, settings: Settings, project: Project, images: list[NewImage]
) -> list[tuple[Item, bool]]:
    """Validate every image first, then store blobs and rows together: if the transaction rolls
    back, blobs this call created are removed again. Returns (item, duplicate) pairs."""
    infos = [
        inspect_image(img.data, img.filename, settings.max_image_pixels, settings.thumbnail_size)
        for img in images
    ]
    created: list[str] = []
    after_rollback(session, lambda: blob_refs.delete_unreferenced(session, blobs, created))
    results: list[tuple[Item, bool]] = []
    seen: dict[str, Item] = {}
    for img, info in zip(images, infos, strict=True):
        digest, new = blobs.put(img.data)
        if new:
            created.append(digest)
        existing = seen.get(digest) or repository.find_by_sha(session, project.id, digest)
        if existing is not None:
            results.append((existing, True))
            continue
        thumb_digest, thumb_new = blobs.put(info.thumbnail)
        if thumb_new:
            created.append(thumb_digest)
        item = Item(
            project_id=project.id,
            sha256=digest,
            thumb_sha256=thumb_digest,
            filename=img.filename[:500],
            media_type=info.media_type,
            width=info.width,
            height=info.height,
            size_bytes=len(img.data),
            meta=img.metadata,
            measurements=img.measurements,
            text=img.text,
        )
        repository.add(session, item)
        seen[digest] = item
        results.append((item, False))
    ids = [item.id for item, _ in results]
    # Listeners queue work on the new items (embedding them, keyword vectors) for after commit.
    new_ids = [item.id for item, dup in results if not dup]
    if new_ids:
        events.publish(ItemsAdded(session, settings, project.id, new_ids))
    loaded = {i.id: i for i in repository.get_many(session, project.id, ids)}
    return [(loaded[item.id], dup) for item, dup in results]


def to_uploaded(pairs: list[tuple[Item, bool]]) -> list[UploadedItem]:
    return [UploadedItem(**to_read(item).model_dump(), duplicate=dup) for item, dup in pairs]


def delete_item(session: Session, blobs: BlobStore, item: Item) -> None:
    digests = {item.sha256, item.thumb_sha256}
    repository.delete(session, item)
    after_commit(session, lambda: blob_refs.delete_unreferenced(session, blobs, digests))


def update_item(session: Session, item: Item, data: ItemUpdate) -> Item:
    if data.filename is not None:
        item.filename = data.filename
    if data.metadata is not None:
        item.meta = check_metadata(data.metadata)
    if data.measurements is not None:
        item.measurements = check_measurements(data.measurements)
    if "text" in data.model_fields_set:
        item.text = data.text
    session.flush()
    session.refresh(item, attribute_names=["updated_at"])
    return item


def delete_items(session: Session, blobs: BlobStore, project: Project, item_ids: list[int]) -> int:
    """Delete many items at once, all or nothing; unknown ids are a 404 naming them."""
    items = repository.get_many(session, project.id, item_ids)
    missing = sorted(set(item_ids) - {i.id for i in items})
    if missing:
        raise NotFound(f"items {missing[:10]} do not exist in project {project.id}")
    digests = {d for item in items for d in (item.sha256, item.thumb_sha256)}
    for item in items:
        session.delete(item)
    session.flush()
    after_commit(session, lambda: blob_refs.delete_unreferenced(session, blobs, digests))
    return len(items)
