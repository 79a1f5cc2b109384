"""The import job's own bookkeeping: the uploaded file is kept exactly as long as a queued or
running import still needs it."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from rq import Queue

from mireru.config import Settings
from mireru.storage import BlobStore
from tests.datasets.helpers import list_items, make_project, post_import, sha256
from tests.fixtures.archives import zip_bytes
from tests.fixtures.images import image_bytes


def test_same_archive_queued_for_two_projects_imports_into_both(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], settings: Settings
) -> None:
    images = {f"cat/{i}.png": image_bytes(seed=100 + i) for i in range(3)}
    archive = zip_bytes(images)
    projects = [make_project(live_client, "twice") for _ in range(2)]
    # Identical bytes are stored once: both jobs read the same stored upload.
    jobs = [post_import(live_client, p, "cats.zip", archive).json()["id"] for p in projects]
    assert BlobStore(settings.blob_dir).exists(sha256(archive))

    run_jobs()

    for project_id, job_id in zip(projects, jobs, strict=True):
        job = live_client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["status"] == "succeeded", job
        assert job["result"]["created"] == len(images)
        stored = {i["sha256"] for i in list_items(live_client, project_id)}
        assert stored == {sha256(d) for d in images.values()}
    # ...and once no import needs it any more, it is deleted.
    assert not BlobStore(settings.blob_dir).exists(sha256(archive))
