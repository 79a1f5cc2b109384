"""A new project starts with an active MobileNetV2 (ImageNet) space, so similar-image search
works from the first upload without configuring anything (MIRERU_DEFAULT_SPACE, on by default)."""

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mireru.config import Settings
from tests.conftest import committed_client
from tests.embeddings.helpers import search, spaces, upload
from tests.fixtures.images import image_bytes


@pytest.fixture
def default_space_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    yield from committed_client(settings.model_copy(update={"default_space": True}), engine)


def test_a_new_project_searches_its_first_uploads_with_the_default_space(
    default_space_client: TestClient, run_jobs: Callable[[], int]
) -> None:
    client = default_space_client
    pid = client.post("/api/v1/projects", json={"name": "default-space"}).json()["id"]
    [space] = spaces(client, pid)["spaces"]
    assert (space["backbone"], space["model"], space["pretrained"]) == (
        "torchvision",
        "mobilenet_v2",
        "IMAGENET1K_V1",
    )
    assert space["activation_pending"]  # active once built: search switches to it then

    items = upload(client, pid, [(f"{i}.jpg", image_bytes(seed=i, fmt="JPEG")) for i in range(3)])
    run_jobs()
    [space] = spaces(client, pid)["spaces"]
    assert (space["status"], space["item_count"], space["active"]) == ("ready", 3, True)
    hits = search(client, pid, item_id=items[0]["id"], k=3)["results"]
    assert hits[0]["item_id"] == items[0]["id"]
    assert len(hits) == 3


def test_projects_stay_bare_when_the_default_space_is_off(live_client: TestClient) -> None:
    pid = live_client.post("/api/v1/projects", json={"name": "no-default-space"}).json()["id"]
    assert spaces(live_client, pid)["spaces"] == []
