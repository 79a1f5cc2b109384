"""ImageFolder zip import through the API: a real RQ job turns folders into labels and splits,
the sidecar CSV into keywords, metadata and measurements, and skips what it cannot read."""

import json
import zipfile
from collections.abc import Callable

from fastapi.testclient import TestClient
from rq import Queue
from rq.job import Job as RQJob

from mireru.datasets.service import IMPORT_JOB
from tests.datasets.helpers import by_sha, import_and_run, list_items, make_project, post_import, sha256
from tests.fixtures.archives import csv_bytes, damage_member, zip_bytes
from tests.fixtures.images import image_bytes, truncated_jpeg

# What each image in the archive should become: (labels, split).
LAYOUT = {
    "photos/train/cat/c1.png": (["cat"], "train"),
    "photos/train/dog/d1.png": (["dog"], "train"),
    "photos/val/cat/c2.png": (["cat"], "val"),
    "photos/test/dog/d2.jpg": (["dog"], "test"),
    "photos/bird/b1.png": (["bird"], None),
    "photos/_unlabeled/u1.png": ([], None),
}
DUPLICATE = "photos/train/dog/d1_again.png"  # the same bytes as d1.png
BROKEN = "photos/train/cat/broken.jpg"
# Sidecar rows name images three ways: by file name, relative to the CSV, and by archive path.
SIDECAR = [
    {
        "filename": "c1.png",
        "keywords": "fluffy;indoor",
        "metadata": '{"camera": "A"}',
        "measurements": '{"exposure": 0.01}',
        "temperature": "21.5",
        "site": "kitchen",
    },
    {
        "filename": "train/dog/d1.png",
        "keywords": "outdoor",
        "metadata": "",
        "measurements": "",
        "temperature": "19",
        "site": "garden",
    },
    {
        "filename": "photos/bird/b1.png",
        "keywords": "",
        "metadata": '{"gps": {"lat": 59.9}}',
        "measurements": "",
        "temperature": "",
        "site": "",
    },
]


def _image(path: str, seed: int) -> bytes:
    return image_bytes(32 + seed, 24 + seed, seed=seed, fmt="JPEG" if path.endswith(".jpg") else "PNG")


def _expected_sidecar(path: str) -> tuple[list[str], dict[str, object], dict[str, float]]:
    """The keywords, metadata and measurements the sidecar gives an image, from the rows above."""
    name = path.rsplit("/", 1)[1]
    for row in SIDECAR:
        if row["filename"].rsplit("/", 1)[-1] == name:
            metadata = json.loads(row["metadata"] or "{}") | ({"site": row["site"]} if row["site"] else {})
            readings = json.loads(row["measurements"] or "{}")
            if row["temperature"]:
                readings["temperature"] = float(row["temperature"])
            return sorted(filter(None, row["keywords"].split(";"))), metadata, readings
    return [], {}, {}


def test_imagefolder_zip_runs_as_a_job_and_reads_folders_and_sidecar(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    images = {path: _image(path, seed) for seed, path in enumerate(LAYOUT, start=1)}
    members = {
        **images,
        DUPLICATE: images["photos/train/dog/d1.png"],
        BROKEN: truncated_jpeg(),
        "photos/mireru.csv": csv_bytes(SIDECAR),
    }
    project_id = make_project(live_client, "imagefolder")

    started = post_import(live_client, project_id, "photos.zip", zip_bytes(members))
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    assert started.json()["status"] == "queued"
    assert started.json()["kind"] == "import"
    # It is a real RQ job, waiting in the queue: nothing is imported before a worker runs it.
    rq_job = RQJob.fetch(job_id, connection=queues[0].connection)
    assert rq_job.func_name == IMPORT_JOB
    assert rq_job.get_status() == "queued"
    assert live_client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"
    assert list_items(live_client, project_id) == []

    run_jobs()
    job = live_client.get(f"/api/v1/jobs/{job_id}").json()
    assert rq_job.get_status(refresh=True) == "finished"
    assert job["status"] == "succeeded", job
    assert job["started_at"] is not None
    assert job["finished_at"] is not None
    image_members = len(members) - 1  # every member but the CSV is a record
    assert job["progress"]["done"] == job["progress"]["total"] == image_members
    assert job["progress"]["fraction"] == 1.0
    result = job["result"]
    assert result["format"] == "imagefolder"
    assert result["records"] == image_members
    assert (result["created"], result["duplicates"], result["updated"]) == (len(images), 1, 0)
    assert result["skipped"] == 1
    [error] = result["errors"]
    assert error["filename"] == BROKEN
    assert "corrupt or truncated" in error["error"]

    stored = by_sha(list_items(live_client, project_id))
    assert set(stored) == {sha256(data) for data in images.values()}
    for path, (labels, split) in LAYOUT.items():
        item = stored[sha256(images[path])]
        keywords, metadata, measurements = _expected_sidecar(path)
        assert (item["labels"], item["split"]) == (labels, split), path
        assert (item["keywords"], item["metadata"], item["measurements"]) == (
            keywords,
            metadata,
            measurements,
        )
    assert stored[sha256(images["photos/bird/b1.png"])]["filename"] == "b1.png"


def test_damaged_member_is_skipped_and_the_rest_imported(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    good, bad = image_bytes(40, 30, seed=31), image_bytes(40, 30, seed=32)
    archive = zip_bytes({"cat/good.png": good, "cat/bad.png": bad}, compression=zipfile.ZIP_STORED)
    project_id = make_project(live_client, "damaged")

    job = import_and_run(live_client, run_jobs, project_id, "cats.zip", damage_member(archive, "cat/bad.png"))

    assert (job["result"]["created"], job["result"]["skipped"]) == (1, 1)
    assert job["result"]["errors"][0]["filename"] == "cat/bad.png"
    assert "damaged" in job["result"]["errors"][0]["error"]
    [item] = list_items(live_client, project_id)
    assert (item["sha256"], item["labels"]) == (sha256(good), ["cat"])
