"""Export a project and import the file into a new one: every item (by sha256) and every
annotation comes back exactly, including values that are awkward for folders and CSV cells."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rq import Queue

from tests.datasets.helpers import (
    annotate,
    by_sha,
    content,
    import_and_run,
    label_classes,
    list_items,
    make_project,
    upload,
)
from tests.fixtures.images import image_bytes

# (file name, image, upload form fields, annotations)
ITEMS: list[tuple[str, bytes, dict[str, Any], dict[str, Any]]] = [
    (
        "kitchen.png",
        image_bytes(64, 48, seed=70),
        {
            "metadata": {"camera": "A", "gps": {"lat": 59.9, "lon": 10.75}, "tags": ["x", 1, True, None]},
            "measurements": {"temperature": -3.25, "humidity": 0.1 + 0.2, "count": 7},
            "text": 'Line one\nLine two, "quoted" — ünïcödé',
        },
        {
            "labels": ["cat", "indoor-pet"],
            "keywords": ["fluffy", "orange, striped", 'say "hi"'],
            "identity": "tom",
            "split": "train",
            "boxes": [
                {"label": "cat", "x": 1.5, "y": 2.25, "w": 30, "h": 20},
                {"label": "cat", "x": 10, "y": 10, "w": 5, "h": 5},
            ],
        },
    ),
    (
        "garden.jpg",
        image_bytes(50, 40, seed=71, fmt="JPEG"),
        {"measurements": {"strain": 1e-9}},
        {
            "labels": ["dog"],
            "keywords": ["outdoor"],
            "identity": "rex",
            "split": "val",
            "boxes": [{"label": "dog", "x": 0, "y": 0, "w": 50, "h": 40}],
        },
    ),
    (
        "bridge.png",
        image_bytes(80, 60, seed=72),
        {"metadata": {"span_m": 120}},
        {
            "labels": ["crack"],
            "split": "test",
            "boxes": [
                {"label": "crack", "x": 5, "y": 6, "w": 7, "h": 8},
                {"label": "rust", "x": 40.125, "y": 30, "w": 20, "h": 10},
            ],
        },
    ),
    ("bare.png", image_bytes(20, 20, seed=73), {}, {}),
    # Names an exporter must not write as they are: a label that is a split folder's name, one
    # with a slash, terms with the list separator, a file name without an image suffix.
    (
        "notes.dat",
        image_bytes(30, 20, seed=74),
        {"text": ""},
        {"labels": ["test"], "keywords": ["a;b", "[draft]"]},
    ),
    (
        "scan.png",
        image_bytes(30, 20, seed=75),
        {},
        {"labels": ["vehicle/car", "_unlabeled"], "split": "val", "identity": "x;y"},
    ),
]
ORDINARY_NAMES = {"kitchen.png", "garden.jpg", "bridge.png", "bare.png", "scan.png"}


# Explicit positive pairs, by file name: they travel as the `positives` column / field.
PAIRS = [("kitchen.png", "garden.jpg"), ("kitchen.png", "notes.dat"), ("bridge.png", "scan.png")]


def pairs_by_sha(client: TestClient, project_id: int) -> set[frozenset[str]]:
    sha_of = {item["id"]: item["sha256"] for item in list_items(client, project_id)}
    listed = client.get(f"/api/v1/projects/{project_id}/positive-pairs", params={"limit": 1000}).json()
    return {frozenset((sha_of[p["item_a_id"]], sha_of[p["item_b_id"]])) for p in listed["items"]}


@pytest.fixture
def source(live_client: TestClient) -> int:
    project_id = make_project(live_client, "source")
    ids = {}
    for name, data, form, annotations in ITEMS:
        item = upload(live_client, project_id, name, data, **form)
        ids[name] = item["id"]
        if annotations:
            annotate(live_client, project_id, item["id"], **annotations)
    body = {"pairs": [{"a": ids[a], "b": ids[b]} for a, b in PAIRS]}
    assert live_client.post(f"/api/v1/projects/{project_id}/positive-pairs", json=body).status_code == 200
    return project_id


@pytest.mark.parametrize("fmt", ["coco", "imagefolder"])
def test_export_then_import_reproduces_every_item_and_annotation(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], source: int, fmt: str
) -> None:
    exported = live_client.get(f"/api/v1/projects/{source}/export", params={"format": fmt})
    assert exported.status_code == 200, exported.text
    target = make_project(live_client, f"copy-{fmt}")

    job = import_and_run(live_client, run_jobs, target, f"export.{fmt}.zip", exported.content, fmt)

    originals = by_sha(list_items(live_client, source))
    copies = by_sha(list_items(live_client, target))
    assert len(originals) == len(ITEMS)
    assert job["result"]["created"] == len(originals)
    assert job["result"]["errors"] == []
    assert set(copies) == set(originals)
    for sha, original in originals.items():
        assert content(copies[sha]) == content(original), original["filename"]
        if original["filename"] in ORDINARY_NAMES:
            assert copies[sha]["filename"] == original["filename"]
    assert label_classes(live_client, target) == label_classes(live_client, source)
    assert job["result"]["pairs"] == len(PAIRS)
    assert pairs_by_sha(live_client, target) == pairs_by_sha(live_client, source)
