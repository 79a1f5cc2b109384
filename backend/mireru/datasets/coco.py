"""Read a COCO detection JSON (plus the images beside it) into ImportRecords. Mireru's own
exports add a "mireru" object per image with everything COCO has no field for."""

import json
import posixpath
from typing import Any

from mireru.datasets.archive import SafeZip
from mireru.datasets.records import (
    BoxRecord,
    ImportRecord,
    checked_measurements,
    checked_metadata,
    checked_split,
)
from mireru.errors import InvalidInput

MAX_JSON_BYTES = 512 * 1024 * 1024
MAX_CLASS_NAME = 200


def _is_coco(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("images"), list) and "annotations" in doc


def _load_json(archive: SafeZip, name: str) -> Any:
    try:
        return json.loads(archive.read(name, MAX_JSON_BYTES))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{name}: malformed JSON ({exc})") from exc


def find_coco(archive: SafeZip) -> tuple[str, dict[str, Any]] | None:
    """The first JSON in the archive that looks like COCO, with its parsed content."""
    for name in archive.names():
        if name.lower().endswith(".json"):
            doc = _load_json(archive, name)
            if _is_coco(doc):
                return name, doc
    return None


def _member_for(archive: SafeZip, json_name: str, file_name: str, by_base: dict[str, list[str]]) -> str:
    base_dir = posixpath.dirname(json_name)
    for candidate in (
        posixpath.normpath(posixpath.join(base_dir, file_name)),
        posixpath.normpath(posixpath.join(base_dir, "images", file_name)),
        posixpath.normpath(file_name),
    ):
        if candidate in archive.members:
            return candidate
    matches = by_base.get(posixpath.basename(file_name), [])
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(f"{json_name}: COCO image {file_name!r} is not in the archive", file_name=file_name)


def _categories(json_name: str, doc: dict[str, Any]) -> dict[int, str]:
    try:
        # Stripped like every other label, so a box's class and the category are the same name.
        categories = {int(c["id"]): str(c["name"]).strip() for c in doc.get("categories") or []}
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidInput(f"{json_name}: every category needs an integer id and a name") from exc
    for category_id, name in categories.items():
        if not 0 < len(name) <= MAX_CLASS_NAME:
            raise InvalidInput(
                f"{json_name}: category {category_id} needs a name of 1 to {MAX_CLASS_NAME} characters"
            )
    return categories


def _terms(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{where}: mireru.{key} must be a list of strings")
    return value


def _optional_str(value: Any, where: str, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{where}: mireru.{key} must be a string")
    return value


def _apply_extra(rec: ImportRecord, extra: dict[str, Any], where: str) -> None:
    """Mireru's per-image object: taken as typed JSON (not via CSV text), so a term holding `;`
    and an empty text survive."""
    rec.labels = _terms(extra.get("labels"), where, "labels")
    rec.keywords = _terms(extra.get("keywords"), where, "keywords")
    rec.identity = _optional_str(extra.get("identity"), where, "identity")
    rec.split = checked_split(_optional_str(extra.get("split"), where, "split"), where)
    rec.text = _optional_str(extra.get("text"), where, "text")
    rec.metadata = checked_metadata(extra.get("metadata") or {}, where)
    rec.measurements = checked_measurements(extra.get("measurements") or {}, where)
    rec.positives = _terms(extra.get("positives"), where, "positives")


def _box(
    ann: Any, i: int, json_name: str, images: dict[int, ImportRecord], categories: dict[int, str]
) -> tuple[ImportRecord, BoxRecord]:
    where = f"{json_name}: annotations[{i}]"
    if not isinstance(ann, dict):
        raise InvalidInput(f"{where} must be an object")
    try:
        image_id, category_id = int(ann["image_id"]), int(ann["category_id"])
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidInput(f"{where} needs an integer image_id and category_id") from exc
    if image_id not in images:
        raise InvalidInput(f"{where}: image_id {image_id} is not in images", image_id=image_id)
    if category_id not in categories:
        raise InvalidInput(
            f"{where}: category_id {category_id} is not in categories", category_id=category_id
        )
    try:
        x, y, w, h = (float(v) for v in ann["bbox"])
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidInput(f"{where} needs a bbox [x, y, width, height]") from exc
    return images[image_id], BoxRecord(categories[category_id], x, y, w, h)


def parse_coco(archive: SafeZip, json_name: str, doc: dict[str, Any]) -> tuple[list[ImportRecord], list[str]]:
    """Records for every image, and the category names (the dataset's class list)."""
    categories = _categories(json_name, doc)
    by_base: dict[str, list[str]] = {}
    for name in archive.images():
        by_base.setdefault(posixpath.basename(name), []).append(name)
    records: dict[int, ImportRecord] = {}
    for i, image in enumerate(doc["images"]):
        where = f"{json_name}: images[{i}]"
        if not isinstance(image, dict) or "id" not in image or "file_name" not in image:
            raise InvalidInput(f"{where} needs an id and a file_name")
        try:
            image_id = int(image["id"])
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"{where}: id must be an integer") from exc
        if image_id in records:
            raise InvalidInput(f"{where}: image id {image_id} appears twice")
        path = _member_for(archive, json_name, str(image["file_name"]), by_base)
        rec = ImportRecord(filename=posixpath.basename(str(image["file_name"])), path=path)
        extra = image.get("mireru")
        if isinstance(extra, dict):
            _apply_extra(rec, extra, where)
        records[image_id] = rec
    for i, ann in enumerate(doc.get("annotations") or []):
        rec, box = _box(ann, i, json_name, records, categories)
        rec.boxes.append(box)
    return list(records.values()), list(dict.fromkeys(categories.values()))
