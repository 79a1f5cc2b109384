"""COCO zip import: boxes land on the right images (checked against each image's size) and the
categories become the project's label classes."""

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from rq import Queue

from mireru.config import Settings
from mireru.storage import BlobStore
from tests.datasets.helpers import by_sha, import_and_run, label_classes, list_items, make_project, sha256
from tests.fixtures.archives import zip_bytes
from tests.fixtures.images import image_bytes

CATEGORIES = [{"id": 1, "name": "crack"}, {"id": 2, "name": "rust"}, {"id": 7, "name": "spalling"}]
# file name -> (width, height, [(category id, bbox)])
IMAGES: dict[str, tuple[int, int, list[tuple[int, list[float]]]]] = {
    "a.png": (64, 48, [(1, [1.0, 2.0, 10.0, 8.0]), (2, [30.5, 10.25, 20.0, 15.0])]),
    "b.png": (40, 30, [(2, [0.0, 0.0, 40.0, 30.0])]),  # exactly the whole image
    "c.jpg": (80, 60, []),
}
OUTSIDE = ("d.png", 64, 48, (1, [50.0, 40.0, 30.0, 20.0]))  # reaches past the right edge


def _coco(images: dict[str, tuple[int, int, list[tuple[int, list[float]]]]]) -> dict[str, Any]:
    doc: dict[str, Any] = {"images": [], "annotations": [], "categories": CATEGORIES}
    for image_id, (name, (w, h, boxes)) in enumerate(images.items(), start=1):
        doc["images"].append({"id": image_id, "file_name": name, "width": w, "height": h})
        for category_id, bbox in boxes:
            doc["annotations"].append(
                {
                    "id": len(doc["annotations"]) + 1,
                    "image_id": image_id,
                    "category_id": category_id,
                    "bbox": bbox,
                    "iscrowd": 0,
                }
            )
    return doc


def test_coco_zip_imports_boxes_and_categories(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], settings: Settings
) -> None:
    name, w, h, box = OUTSIDE
    spec = {**IMAGES, name: (w, h, [box])}
    data = {
        n: image_bytes(iw, ih, seed=40 + i, fmt="JPEG" if n.endswith(".jpg") else "PNG")
        for i, (n, (iw, ih, _)) in enumerate(spec.items())
    }
    members = {f"images/{n}": d for n, d in data.items()} | {
        "annotations.json": json.dumps(_coco(spec)).encode()
    }
    project_id = make_project(live_client, "coco")

    job = import_and_run(live_client, run_jobs, project_id, "coco.zip", zip_bytes(members))

    result = job["result"]
    assert result["format"] == "coco"
    assert (result["created"], result["skipped"]) == (len(IMAGES), 1)
    [error] = result["errors"]
    assert error["filename"] == f"images/{name}"
    assert "outside" in error["error"]
    assert f"{w}x{h}" in error["error"]
    # The skipped image was stored before its box was checked; the skip removed it again.
    assert not BlobStore(settings.blob_dir).exists(sha256(data[name]))

    names = {c["id"]: c["name"] for c in CATEGORIES}
    stored = by_sha(list_items(live_client, project_id))
    assert set(stored) == {sha256(data[n]) for n in IMAGES}
    for n, (iw, ih, boxes) in IMAGES.items():
        item = stored[sha256(data[n])]
        assert (item["filename"], item["width"], item["height"]) == (n, iw, ih)
        got = [(b["label"], [b["x"], b["y"], b["w"], b["h"]]) for b in item["boxes"]]
        assert got == [(names[c], bbox) for c, bbox in boxes]
        assert item["labels"] == []  # COCO boxes are detections, not image-level labels
    # Every category is a label class, even one no box uses yet (the detector's class list).
    assert label_classes(live_client, project_id) == set(names.values())
