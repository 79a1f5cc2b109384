"""Blue/green: activating another space switches search only once that space is complete."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from rq import Queue

from tests.embeddings.helpers import create_space, make_project, run_until_idle, search, space, spaces, upload
from tests.ml.models import photo_bytes


def test_search_answers_from_the_old_space_until_the_new_one_is_complete(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    pid = make_project(live_client)
    items = upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(5)])
    blue = create_space(live_client, pid)
    run_until_idle(run_jobs)
    query = {"item_id": items[0]["id"], "k": 3}
    assert search(live_client, pid, **query)["space_id"] == blue["id"]

    green = create_space(live_client, pid, image_size=96, index={"kind": "ivfflat"}, activate=False)
    activated = live_client.post(f"/api/v1/projects/{pid}/spaces/{green['id']}/activate")
    assert activated.status_code == 200, activated.text
    assert activated.json()["activation_pending"]
    assert not activated.json()["active"]
    # Green is not built yet: search still answers from blue, in full.
    before = search(live_client, pid, **query)
    assert before["space_id"] == blue["id"]
    assert len(before["results"]) == 3
    assert spaces(live_client, pid)["active_space_id"] == blue["id"]
    # An upload while green is being built goes into both spaces, so the switch loses nothing.
    upload(live_client, pid, [("late.jpg", photo_bytes(77))])

    run_until_idle(run_jobs)
    after = search(live_client, pid, **query)
    assert after["space_id"] == green["id"]
    assert after["strategy"] == "ivfflat"
    listed = spaces(live_client, pid)
    assert listed["active_space_id"] == green["id"]
    assert {s["id"]: s["item_count"] for s in listed["spaces"]} == {blue["id"]: 6, green["id"]: 6}

    # Switching back to a ready space is immediate.
    back = live_client.post(f"/api/v1/projects/{pid}/spaces/{blue['id']}/activate").json()
    assert back["active"]
    assert search(live_client, pid, **query)["space_id"] == blue["id"]
    assert not space(live_client, pid, green["id"])["active"]


def test_a_searchable_space_is_required(live_client: TestClient, queues: list[Queue]) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [("p.jpg", photo_bytes(1))])
    create_space(live_client, pid)
    response = live_client.post(f"/api/v1/projects/{pid}/search", json={"vector": [0.0] * 1280})
    assert response.status_code == 409
    assert "queued" in response.json()["error"]["message"]
