"""Search fixtures: projects built once per module with committed rows, real jobs and real indexes.

`photos`: 24 photo-like images with labels, keywords, identities, splits, metadata and sensor
readings, embedded by a real RQ worker with MobileNetV2's ImageNet weights (HNSW index), plus a
tiny CLIP space for text queries. `synthetic`: 3,000 items with random 16-d vectors written
straight into a space, for the k-rows guarantee under selective filters.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, delete
from sqlalchemy.orm import sessionmaker

from mireru.config import Settings
from mireru.jobs.queue import QUEUES, redis_connection
from mireru.main import create_app
from mireru.models import Project
from mireru.state import AppState
from tests.embeddings.helpers import annotate, create_space, make_project, upload
from tests.ml.models import near_copy, photo_bytes, save_tiny_clip
from tests.search.data import Synthetic, seed_synthetic

Json = dict[str, Any]
SPLIT_OF = ("train", "val", "test")


@dataclass(frozen=True)
class Photos:
    project_id: int
    space_id: int
    text_space_id: int
    items: dict[int, Json]  # seed -> uploaded item
    copy_of_0: int  # item id of a near duplicate of photo 0


def _client(settings: Settings, engine: Engine) -> TestClient:
    state = AppState.build(settings, settings.database_url or "", settings.redis_url or "")
    return TestClient(create_app(replace(state, engine=engine, sessions=sessionmaker(bind=engine))))


def _drain(settings: Settings) -> None:
    worker = SimpleWorker(list(QUEUES), connection=redis_connection(settings.redis_url or ""))
    for _ in range(4):
        worker.work(burst=True)


def _empty_queues(settings: Settings) -> None:
    for name in QUEUES:
        Queue(name, connection=redis_connection(settings.redis_url or "")).empty()


def _delete_project(engine: Engine, project_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.id == project_id))


def photo_annotations(seed: int) -> Json:
    return {
        "labels": ["cat" if seed % 2 == 0 else "dog"],
        "keywords": ["red"] if seed % 3 == 0 else ["blue"],
        "identity": f"id{seed % 4}",
        "split": SPLIT_OF[seed % 3],
    }


@pytest.fixture(scope="module")
def photos(settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Photos]:
    _empty_queues(settings)
    with _client(settings, engine) as client:
        pid = make_project(client, "photos")
        items: dict[int, Json] = {}
        for seed in range(24):
            [item] = upload(
                client,
                pid,
                [(f"photo-{seed}.jpg", photo_bytes(seed))],
                metadata={"camera": "A" if seed % 2 else "B", "site": f"s{seed % 5}"},
                measurements={"strain": seed / 10},
            )
            annotate(client, pid, item["id"], **photo_annotations(seed))
            items[seed] = item
        [copy] = upload(client, pid, [("copy-of-0.jpg", near_copy(0))], metadata={"camera": "Z"})
        space = create_space(client, pid)
        clip = save_tiny_clip(Path(tmp_path_factory.mktemp("tiny-clip-search")))
        text_space = create_space(client, pid, model=clip, pretrained=None, image_size=None, activate=False)
        _drain(settings)
        yield Photos(pid, space["id"], text_space["id"], items, copy["id"])
    _delete_project(engine, pid)


@pytest.fixture(scope="module")
def synthetic(settings: Settings, engine: Engine) -> Iterator[Synthetic]:
    data = seed_synthetic(settings, engine)
    yield data
    _delete_project(engine, data.project_id)


@pytest.fixture
def search_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client over committed data (the module fixtures' projects)."""
    with _client(settings, engine) as client:
        yield client


@pytest.fixture
def stingy_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client whose HNSW iterative scans give up after 50 tuples, to force the exact fallback."""
    with _client(settings.model_copy(update={"search_max_scan_tuples": 50}), engine) as client:
        yield client
