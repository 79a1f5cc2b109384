"""Export in every format carries each item's bytes and all its annotations, and honours the
same filters as item listing."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.datasets.helpers import Item, annotate, list_items, make_project, sha256, upload
from tests.fixtures.archives import read_zip
from tests.fixtures.images import image_bytes

# What COCO has no field for, carried in the "mireru" object of each image.
EXTRA_FIELDS = ("labels", "keywords", "identity", "split", "text", "metadata", "measurements")


@pytest.fixture
def project(client: TestClient) -> int:
    """Three annotated items and one bare one."""
    project_id = make_project(client, "export")
    cat = upload(
        client,
        project_id,
        "cat.png",
        image_bytes(seed=60),
        metadata={"camera": "A"},
        measurements={"strain": 0.5},
        text="a cat",
    )
    annotate(
        client,
        project_id,
        cat["id"],
        labels=["cat"],
        keywords=["fluffy", "indoor"],
        identity="tom",
        split="train",
        boxes=[{"label": "cat", "x": 1, "y": 2, "w": 30, "h": 20}],
    )
    dog = upload(client, project_id, "dog.jpg", image_bytes(seed=61, fmt="JPEG"))
    annotate(client, project_id, dog["id"], labels=["dog", "pet"], split="val")
    both = upload(client, project_id, "both.png", image_bytes(seed=62), measurements={"t": -1})
    annotate(
        client,
        project_id,
        both["id"],
        labels=["cat"],
        keywords=["pair"],
        boxes=[
            {"label": "cat", "x": 0, "y": 0, "w": 10, "h": 10},
            {"label": "dog", "x": 20.5, "y": 5.25, "w": 12, "h": 9},
        ],
    )
    upload(client, project_id, "bare.png", image_bytes(seed=63))
    return project_id


def _export(client: TestClient, project_id: int, fmt: str, **filters: str) -> bytes:
    response = client.get(f"/api/v1/projects/{project_id}/export", params={"format": fmt, **filters})
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


def _list_cell(value: str) -> list[str]:
    return json.loads(value) if value.startswith("[") else [v for v in value.split(";") if v]


def _row_matches(row: dict[str, str], item: Item) -> None:
    assert _list_cell(row["labels"]) == item["labels"]
    assert _list_cell(row["keywords"]) == item["keywords"]
    assert (row["identity"] or None, row["split"] or None, row["text"] or None) == (
        item["identity"],
        item["split"],
        item["text"],
    )
    assert json.loads(row["metadata"]) == item["metadata"]
    assert json.loads(row["measurements"]) == item["measurements"]
    assert json.loads(row["boxes"]) == [
        {k: b[k] for k in ("label", "x", "y", "w", "h")} for b in item["boxes"]
    ]


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_export_has_one_row_per_item(client: TestClient, project: int) -> None:
    items = list_items(client, project)
    rows = _csv_rows(_export(client, project, "csv"))
    assert [r["filename"] for r in rows] == [i["filename"] for i in items]
    for row, item in zip(rows, items, strict=True):
        _row_matches(row, item)


def test_coco_export_holds_images_boxes_and_categories(client: TestClient, project: int) -> None:
    items = {i["sha256"]: i for i in list_items(client, project)}
    files = read_zip(_export(client, project, "coco"))
    doc: dict[str, Any] = json.loads(files["annotations.json"])
    categories = {c["id"]: c["name"] for c in doc["categories"]}
    assert set(categories.values()) == {
        n for i in items.values() for n in i["labels"] + [b["label"] for b in i["boxes"]]
    }
    assert len(doc["images"]) == len(items)
    for image in doc["images"]:
        item = items[sha256(files[f"images/{image['file_name']}"])]
        assert (image["width"], image["height"]) == (item["width"], item["height"])
        extra = image["mireru"]
        assert {k: extra[k] for k in EXTRA_FIELDS} == {k: item[k] for k in EXTRA_FIELDS}
        boxes = [
            (categories[a["category_id"]], a["bbox"])
            for a in doc["annotations"]
            if a["image_id"] == image["id"]
        ]
        assert boxes == [(b["label"], [b["x"], b["y"], b["w"], b["h"]]) for b in item["boxes"]]


def test_imagefolder_export_puts_images_under_split_and_label(client: TestClient, project: int) -> None:
    items = list_items(client, project)
    files = read_zip(_export(client, project, "imagefolder"))
    rows = {r["filename"]: r for r in _csv_rows(files.pop("mireru.csv"))}
    assert len(files) == len(items)
    by_content = {sha256(data): path for path, data in files.items()}
    for item in items:
        path = by_content[item["sha256"]]
        folders = path.split("/")[:-1]
        expected = ([item["split"]] if item["split"] else []) + [
            item["labels"][0] if item["labels"] else "_unlabeled"
        ]
        assert folders == expected, path
        assert path.rsplit("/", 1)[1] == item["filename"]
        _row_matches(rows[path], item)


def test_export_applies_item_filters(client: TestClient, project: int) -> None:
    for fmt, filters in (("csv", {"label": "cat"}), ("coco", {"split": "val"}), ("csv", {"keyword": "pair"})):
        wanted = {i["filename"] for i in list_items(client, project, **filters)}
        assert wanted  # the filter selects something, and not everything
        assert wanted != {i["filename"] for i in list_items(client, project)}
        data = _export(client, project, fmt, **filters)
        if fmt == "csv":
            assert {r["filename"] for r in _csv_rows(data)} == wanted
        else:
            doc = json.loads(read_zip(data)["annotations.json"])
            assert {i["file_name"] for i in doc["images"]} == wanted


def test_export_of_unknown_project_or_format_is_a_clear_error(client: TestClient, project: int) -> None:
    missing = client.get("/api/v1/projects/999999/export", params={"format": "csv"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    bad = client.get(f"/api/v1/projects/{project}/export", params={"format": "xml"})
    assert bad.status_code == 422
    assert "format" in bad.json()["error"]["message"]
