"""Read an uploaded ImageFolder zip, COCO zip or CSV into ImportRecords. Everything structural is
checked here, before any job runs, so a malformed upload is refused with a 4xx at once."""

import csv
import io
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mireru.datasets.archive import SafeZip
from mireru.datasets.records import BoxRecord, ImportRecord, record_from_row
from mireru.errors import InvalidInput

Format = Literal["imagefolder", "coco", "csv"]
SPLIT_DIRS = {"train", "val", "test"}
UNLABELED_DIR = "_unlabeled"
MAX_CSV_ROWS = 1_000_000
MAX_JSON_BYTES = 512 * 1024 * 1024
SIDECAR_CSV = "mireru.csv"


@dataclass
class ImportPlan:
    format: Format
    records: list[ImportRecord]


def parse_csv(data: bytes) -> list[ImportRecord]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV is not UTF-8 text") from exc
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    if "filename" not in fields and "file_name" not in fields:
        raise InvalidInput(f"the CSV needs a 'filename' column; it has {fields}")
    records = []
    try:
        for line, row in enumerate(reader, start=2):
            if line > MAX_CSV_ROWS:
                raise InvalidInput(f"the CSV has more than {MAX_CSV_ROWS} rows")
            records.append(record_from_row(row, line))
    except csv.Error as exc:
        raise InvalidInput(f"malformed CSV: {exc}") from exc
    return records


def _is_coco(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("images"), list) and "annotations" in doc


def _load_json(archive: SafeZip, name: str) -> Any:
    try:
        return json.loads(archive.read(name, MAX_JSON_BYTES))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{name}: malformed JSON ({exc})") from exc


def _find_coco(archive: SafeZip) -> tuple[str, Any] | None:
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
    raise InvalidInput(f"COCO image {file_name!r} is not in the archive")


def parse_coco(archive: SafeZip, json_name: str, doc: dict[str, Any]) -> list[ImportRecord]:
    try:
        categories = {int(c["id"]): str(c["name"]) for c in doc.get("categories", [])}
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidInput(f"{json_name}: every category needs an integer id and a name") from exc
    by_base: dict[str, list[str]] = {}
    for name in archive.images():
        by_base.setdefault(posixpath.basename(name), []).append(name)
    records: dict[int, ImportRecord] = {}
    for i, image in enumerate(doc["images"]):
        if not isinstance(image, dict) or "id" not in image or "file_name" not in image:
            raise InvalidInput(f"{json_name}: images[{i}] needs an id and a file_name")
        path = _member_for(archive, json_name, str(image["file_name"]), by_base)
        rec = ImportRecord(filename=posixpath.basename(str(image["file_name"])), path=path)
        extra = image.get("mireru")
        if isinstance(extra, dict):
            rec.merge(_record_from_extra(extra, rec.filename))
        records[int(image["id"])] = rec
    for i, ann in enumerate(doc.get("annotations") or []):
        try:
            rec = records[int(ann["image_id"])]
            label = categories[int(ann["category_id"])]
            x, y, w, h = (float(v) for v in ann["bbox"])
        except (TypeError, KeyError, ValueError) as exc:
            raise InvalidInput(
                f"{json_name}: annotations[{i}] needs a known image_id, "
                "a known category_id and bbox [x,y,w,h]"
            ) from exc
        rec.boxes.append(BoxRecord(label, x, y, w, h))
    return list(records.values())


def _record_from_extra(extra: dict[str, Any], filename: str) -> ImportRecord:
    row = {"filename": filename}
    for key in ("labels", "keywords"):
        row[key] = ";".join(str(v) for v in extra.get(key) or [])
    for key in ("identity", "split", "text"):
        row[key] = "" if extra.get(key) is None else str(extra[key])
    for key in ("metadata", "measurements"):
        row[key] = json.dumps(extra.get(key) or {})
    return record_from_row(row, 0)


def parse_imagefolder(archive: SafeZip) -> list[ImportRecord]:
    images = archive.images()
    if not images:
        raise InvalidInput("the archive holds no images (jpg, png, gif, bmp, tiff, webp)")
    split_paths = [p.split("/") for p in images]
    strip = 0
    # A single wrapper folder (dataset/cat/1.jpg) is not a class: drop it when all images are
    # at least two folders below it.
    if all(len(p) >= 3 for p in split_paths) and len({p[0] for p in split_paths}) == 1:
        strip = 1
    records = []
    for path, parts in zip(images, split_paths, strict=True):
        folders = parts[strip:-1]
        rec = ImportRecord(filename=parts[-1], path=path)
        if folders and folders[0] in SPLIT_DIRS:
            rec.split = folders[0]
            folders = folders[1:]
        if folders and folders[-1] != UNLABELED_DIR:
            rec.labels = [folders[-1]]
        records.append(rec)
    sidecars = [n for n in archive.names() if n.lower().endswith(".csv")]
    if sidecars:
        _apply_sidecar(records, parse_csv(archive.read(sidecars[0], MAX_JSON_BYTES)))
    return records


def _apply_sidecar(records: list[ImportRecord], rows: list[ImportRecord]) -> None:
    """Merge a CSV beside the images into their records, by archive path or by file name."""
    by_path = {r.path: r for r in records}
    by_name: dict[str, list[ImportRecord]] = {}
    for r in records:
        by_name.setdefault(r.filename, []).append(r)
    for row in rows:
        target = by_path.get(row.filename)
        if target is None and len(by_name.get(row.filename, [])) == 1:
            target = by_name[row.filename][0]
        if target is None:
            raise InvalidInput(f"the CSV names {row.filename!r}, which is not an image in the archive")
        row_filename = target.filename
        target.merge(row)
        target.filename = row_filename


def plan_import(path: Path, upload_name: str, fmt: str | None) -> tuple[ImportPlan, SafeZip | None]:
    """Read and check an upload; the returned archive (if any) must be closed by the caller."""
    is_zip = path.open("rb").read(4) == b"PK\x03\x04"
    if fmt == "csv" or (fmt is None and not is_zip):
        if is_zip:
            raise InvalidInput("format=csv was given but the upload is a zip archive")
        if fmt is None and not upload_name.lower().endswith(".csv"):
            raise InvalidInput("the upload is neither a zip archive nor a .csv file")
        return ImportPlan("csv", parse_csv(path.read_bytes())), None
    if not is_zip:
        raise InvalidInput(f"format={fmt} needs a zip archive")
    archive = SafeZip(path)
    try:
        if fmt in (None, "coco"):
            found = _find_coco(archive)
            if found is not None:
                return ImportPlan("coco", parse_coco(archive, *found)), archive
            if fmt == "coco":
                raise InvalidInput("no COCO JSON (with 'images' and 'annotations') in the archive")
        return ImportPlan("imagefolder", parse_imagefolder(archive)), archive
    except BaseException:
        archive.close()
        raise
