"""The default install's space: MobileNetV2 with ImageNet weights shipped in a package, offline."""

from collections.abc import Callable
from typing import cast

from fastapi.testclient import TestClient
from rq import Queue

from mireru.db import unit_of_work
from mireru.embeddings.extractors import offline_sample_weights
from mireru.embeddings.service import create_sample_space
from mireru.projects.service import get_project
from mireru.state import AppState
from tests.embeddings.helpers import make_project, run_until_idle, search, spaces, upload
from tests.ml.models import near_copy, photo_bytes


def test_the_sample_space_embeds_with_real_pretrained_features(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue]
) -> None:
    assert offline_sample_weights() is not None
    pid = make_project(live_client, "sample")
    items = upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(4)])
    copy = upload(live_client, pid, [("copy.jpg", near_copy(2))])[0]
    state = cast(AppState, live_client.app.state.mireru)  # type: ignore[attr-defined]
    with unit_of_work(state.sessions) as session:
        created = create_sample_space(session, state.dispatcher, get_project(session, pid))
        assert created is not None
    run_until_idle(run_jobs)
    [space] = spaces(live_client, pid)["spaces"]
    assert (space["name"], space["model"], space["pretrained"]) == (
        "MobileNetV2 (ImageNet)",
        "mobilenet_v2",
        "IMAGENET1K_V1",
    )
    assert (space["status"], space["dimension"], space["item_count"], space["active"]) == (
        "ready",
        1280,
        5,
        True,
    )
    # Meaningful from the first start: a near duplicate is found first.
    body = search(live_client, pid, item_id=copy["id"], k=2, exclude_self=True)
    assert body["results"][0]["item_id"] == items[2]["id"]
