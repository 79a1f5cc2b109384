"""Write a project's items out as COCO (zip), ImageFolder (zip with a CSV beside) or CSV.

Every format carries everything Mireru knows (COCO in a "mireru" field per image, ImageFolder in
mireru.csv), so exporting and importing into a new project reproduces the items and annotations.
"""

import csv
import io
import json
import posixpath
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from mireru.datasets.archive import IMAGE_SUFFIXES
from mireru.datasets.imagefolder import SIDECAR_CSV, folder_for_label
from mireru.datasets.records import CORE_COLUMNS, join_list
from mireru.items.schemas import ItemRead
from mireru.storage import BlobStore

SUFFIX = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/webp": ".webp",
}


def _file_name(item: ItemRead) -> str:
    """A name an importer reads back as this image: one path component, not hidden, and with an
    image suffix (readers pick images by suffix)."""
    base = posixpath.basename(item.filename.replace("\\", "/")).lstrip(".") or f"item-{item.id}"
    stem, ext = posixpath.splitext(base)
    if ext.lower() not in IMAGE_SUFFIXES:
        stem, ext = base, SUFFIX.get(item.media_type, ".img")
    return f"{stem}{ext}"


def _unique_names(items: list[ItemRead]) -> dict[int, str]:
    """File names in the export: the item's own where possible, made unique with its id. Compared
    without case, so unpacking on a case-insensitive file system loses nothing."""
    taken: set[str] = set()
    names = {}
    for item in items:
        name = _file_name(item)
        stem, ext = posixpath.splitext(name)
        suffix = 0
        while name.casefold() in taken:
            suffix += 1
            name = f"{stem}-{item.id}{ext}" if suffix == 1 else f"{stem}-{item.id}-{suffix}{ext}"
        taken.add(name.casefold())
        names[item.id] = name
    return names


Partners = dict[int, list[int]]  # item id -> the ids it has positive pairs with


def _partner_names(item: ItemRead, names: dict[int, str], partners: Partners | None) -> list[str]:
    """Only partners that are in the export too: a name must point at an image in the file."""
    return [names[p] for p in (partners or {}).get(item.id, []) if p in names]


def _row(item: ItemRead, filename: str, positives: list[str]) -> dict[str, str]:
    return {
        "filename": filename,
        "labels": join_list(item.labels),
        "keywords": join_list(item.keywords),
        "identity": item.identity or "",
        "split": item.split or "",
        "text": item.text or "",
        "metadata": json.dumps(item.metadata, ensure_ascii=False),
        "measurements": json.dumps(item.measurements),
        "boxes": json.dumps([b.model_dump(exclude={"id"}) for b in item.boxes]),
        "positives": join_list(positives),
    }


def write_csv(
    items: Iterable[ItemRead], names: dict[int, str], out: IO[str], partners: Partners | None = None
) -> None:
    writer = csv.DictWriter(out, fieldnames=list(CORE_COLUMNS))
    writer.writeheader()
    for item in items:
        writer.writerow(_row(item, names[item.id], _partner_names(item, names, partners)))


def write_coco(
    items: list[ItemRead], blobs: BlobStore, out: IO[bytes], partners: Partners | None = None
) -> None:
    names = _unique_names(items)
    classes = sorted(
        {b.label for item in items for b in item.boxes} | {lbl for item in items for lbl in item.labels}
    )
    category_ids = {name: i + 1 for i, name in enumerate(classes)}
    doc: dict[str, Any] = {
        "info": {"description": "exported by Mireru"},
        "categories": [{"id": i, "name": n, "supercategory": ""} for n, i in category_ids.items()],
        "images": [],
        "annotations": [],
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for item in items:
            zf.write(blobs.path(item.sha256), f"images/{names[item.id]}")
            doc["images"].append(
                {
                    "id": item.id,
                    "file_name": names[item.id],
                    "width": item.width,
                    "height": item.height,
                    "mireru": {
                        "labels": item.labels,
                        "keywords": item.keywords,
                        "identity": item.identity,
                        "split": item.split,
                        "text": item.text,
                        "metadata": item.metadata,
                        "measurements": item.measurements,
                        "positives": _partner_names(item, names, partners),
                    },
                }
            )
            for b in item.boxes:
                doc["annotations"].append(
                    {
                        "id": len(doc["annotations"]) + 1,
                        "image_id": item.id,
                        "category_id": category_ids[b.label],
                        "bbox": [b.x, b.y, b.w, b.h],
                        "area": b.w * b.h,
                        "iscrowd": 0,
                    }
                )
        zf.writestr("annotations.json", json.dumps(doc, ensure_ascii=False))


def write_imagefolder(
    items: list[ItemRead], blobs: BlobStore, out: IO[bytes], partners: Partners | None = None
) -> None:
    names = _unique_names(items)
    paths = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for item in items:
            folder = folder_for_label(item.labels[0] if item.labels else None)
            split = f"{item.split}/" if item.split else ""
            paths[item.id] = f"{split}{folder}/{names[item.id]}"
            zf.write(blobs.path(item.sha256), paths[item.id])
        text = io.StringIO()
        write_csv(items, paths, text, partners)
        zf.writestr(SIDECAR_CSV, text.getvalue())
