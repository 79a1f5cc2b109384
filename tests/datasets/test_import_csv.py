"""A CSV alone updates items already in the project, matched by file name: core columns become
annotations, extra numeric columns measurements, other extra columns metadata."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from rq import Queue

from tests.datasets.helpers import import_and_run, list_items, make_project, upload
from tests.fixtures.archives import csv_bytes
from tests.fixtures.images import image_bytes

ROWS = [
    {
        "filename": "f1.png",
        "labels": "crack;rust",
        "keywords": "north;wet",
        "identity": "bridge-7",
        "split": "train",
        "text": "north side, after rain",
        "strain": "0.25",
        "temperature": "-3.5",
        "site": "Oslo",
    },
    {
        "filename": "f2.png",
        "labels": "",
        "keywords": "dry",
        "identity": "",
        "split": "",
        "text": "",
        "strain": "1e-3",
        "temperature": "",
        "site": "",
    },
    {
        "filename": "missing.png",
        "labels": "crack",
        "keywords": "",
        "identity": "",
        "split": "",
        "text": "",
        "strain": "",
        "temperature": "",
        "site": "",
    },
]


def test_csv_updates_existing_items_by_filename(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    project_id = make_project(live_client, "csv")
    readings = {"metadata": {"camera": "A"}, "measurements": {"strain": 0.1, "humidity": 0.8}}
    before = {
        name: upload(live_client, project_id, name, image_bytes(seed=50 + i), **readings)
        for i, name in enumerate(("f1.png", "f2.png", "f3.png"))
    }

    job = import_and_run(live_client, run_jobs, project_id, "readings.csv", csv_bytes(ROWS))

    result = job["result"]
    assert result["format"] == "csv"
    matched = [r for r in ROWS if r["filename"] in before]
    assert (result["updated"], result["created"], result["skipped"]) == (len(matched), 0, 1)
    assert result["errors"][0]["filename"] == "missing.png"
    assert "no item named" in result["errors"][0]["error"]

    after = {item["filename"]: item for item in list_items(live_client, project_id)}
    assert len(after) == len(before)  # a CSV never creates items
    for row in matched:
        item, old = after[row["filename"]], before[row["filename"]]
        readings = dict(old["measurements"])
        readings.update({k: float(row[k]) for k in ("strain", "temperature") if row[k]})
        assert item["measurements"] == readings
        assert item["metadata"] == old["metadata"] | ({"site": row["site"]} if row["site"] else {})
        assert item["labels"] == sorted(filter(None, row["labels"].split(";")))
        assert item["keywords"] == sorted(filter(None, row["keywords"].split(";")))
        assert (item["identity"], item["split"]) == (row["identity"] or None, row["split"] or None)
        assert item["text"] == (row["text"] or None)
    untouched = after["f3.png"]
    assert {k: untouched[k] for k in ("labels", "metadata", "measurements", "updated_at")} == {
        k: before["f3.png"][k] for k in ("labels", "metadata", "measurements", "updated_at")
    }


def test_csv_row_naming_several_items_is_skipped_not_guessed(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    project_id = make_project(live_client, "csv-ambiguous")
    twins = [upload(live_client, project_id, "same.png", image_bytes(seed=110 + i)) for i in range(2)]
    single = upload(live_client, project_id, "single.png", image_bytes(seed=112))
    rows = [{"filename": "same.png", "labels": "crack"}, {"filename": "single.png", "labels": "rust"}]

    job = import_and_run(live_client, run_jobs, project_id, "labels.csv", csv_bytes(rows))

    assert (job["result"]["updated"], job["result"]["skipped"]) == (1, 1)
    assert f"{len(twins)} items are named 'same.png'" in job["result"]["errors"][0]["error"]
    labels = {i["id"]: i["labels"] for i in list_items(live_client, project_id)}
    assert labels == {twins[0]["id"]: [], twins[1]["id"]: [], single["id"]: ["rust"]}


def test_csv_positives_pair_items_and_name_what_matches_nothing(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    project_id = make_project(live_client, "csv-pairs")
    ids = {
        name: upload(live_client, project_id, name, image_bytes(seed=60 + i))["id"]
        for i, name in enumerate(("p1.png", "p2.png", "p3.png", "p4.png"))
    }
    rows = [
        {"filename": "p1.png", "positives": "p2.png;p3.png;ghost.png"},
        {"filename": "p2.png", "positives": "p1.png"},  # the same pair again, from the other side
        {"filename": "p4.png", "positives": "p4.png"},  # itself: nothing to pair
    ]

    job = import_and_run(live_client, run_jobs, project_id, "pairs.csv", csv_bytes(rows))

    result = job["result"]
    assert (result["updated"], result["skipped"], result["pairs"]) == (3, 0, 2)
    [problem] = result["errors"]
    assert problem["filename"] == "p1.png"
    assert "'ghost.png' left out" in problem["error"]
    assert "no item named" in problem["error"]
    listed = live_client.get(f"/api/v1/projects/{project_id}/positive-pairs").json()
    pairs = {(p["item_a_id"], p["item_b_id"]) for p in listed["items"]}
    assert pairs == {(ids["p1.png"], ids["p2.png"]), (ids["p1.png"], ids["p3.png"])}
