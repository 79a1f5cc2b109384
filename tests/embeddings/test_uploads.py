"""New uploads are embedded into the project's active space by a job queued after the commit."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mireru.models import Job
from tests.embeddings.helpers import create_space, make_project, run_until_idle, search, space, upload
from tests.ml.models import near_copy, photo_bytes


def test_a_new_upload_is_embedded_into_the_active_space(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], engine: Engine
) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(4)])
    built = create_space(live_client, pid)
    run_until_idle(run_jobs)
    assert space(live_client, pid, built["id"])["item_count"] == 4

    new = upload(live_client, pid, [("new-a.jpg", near_copy(2)), ("new-b.jpg", photo_bytes(50))])
    queued = sum(q.count for q in queues)
    assert queued == 1  # one embedding job for the whole upload, enqueued after the commit
    with Session(engine) as session:
        [embed_job] = session.scalars(
            select(Job).where(Job.project_id == pid, Job.kind == "embed", Job.status == "queued")
        ).all()
        assert embed_job.params["space_id"] == built["id"]
    run_until_idle(run_jobs)

    assert space(live_client, pid, built["id"])["item_count"] == 6
    body = search(live_client, pid, item_id=new[0]["id"], k=2)
    assert next(r["item_id"] for r in body["results"]) == new[0]["id"]
    # The near copy of photo 2 finds photo 2.
    assert body["results"][1]["item_id"] != new[1]["id"]

    # A duplicate upload creates no item and so no embedding work.
    upload(live_client, pid, [("again.jpg", photo_bytes(50))])
    assert sum(q.count for q in queues) == 0


def test_uploads_into_a_project_without_spaces_queue_nothing(
    live_client: TestClient, queues: list[Queue], engine: Engine
) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [("p.jpg", photo_bytes(1))])
    assert sum(q.count for q in queues) == 0
    with Session(engine) as session:
        assert session.scalars(select(Job).where(Job.project_id == pid)).all() == []
