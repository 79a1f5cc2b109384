"""Index rebuilds: the new index is built beside the old one and switched to; searches running
all the while keep getting full answers."""

import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import Engine, delete

from mireru.config import Settings
from mireru.models import Project
from tests.embeddings.helpers import job, search, space, vector_indexes
from tests.search.data import Synthetic, seed_synthetic


@pytest.fixture
def synthetic(settings: Settings, engine: Engine) -> Iterator[Synthetic]:
    data = seed_synthetic(settings, engine, n=3000)
    yield data
    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.id == data.project_id))


class Searcher(threading.Thread):
    """Searches in a loop on its own client until stopped; records every answer."""

    def __init__(self, client: TestClient, project_id: int) -> None:
        super().__init__(daemon=True)
        self.client, self.project_id = client, project_id
        self.stop = threading.Event()
        self.answers: list[tuple[int, int, str]] = []  # (HTTP status, rows, strategy)

    def run(self) -> None:
        rng = np.random.default_rng(0)
        while not self.stop.is_set():
            body = {"vector": rng.standard_normal(16).tolist(), "k": 10}
            response = self.client.post(f"/api/v1/projects/{self.project_id}/search", json=body)
            payload = response.json()
            self.answers.append(
                (response.status_code, len(payload.get("results", [])), payload.get("strategy", ""))
            )


def _wait_for_answers(searcher: Searcher, count: int) -> None:
    while len(searcher.answers) < count and searcher.is_alive():
        searcher.join(0.02)


def test_rebuilds_switch_indexes_while_searches_go_on(
    live_client: TestClient,
    run_jobs: Callable[[], int],
    queues: list[Queue],
    engine: Engine,
    synthetic: Synthetic,
) -> None:
    pid, sid = synthetic.project_id, synthetic.space_id
    [hnsw_index] = vector_indexes(engine, sid)
    searcher = Searcher(live_client, pid)
    searcher.start()
    try:
        _wait_for_answers(searcher, 3)
        started = live_client.post(
            f"/api/v1/projects/{pid}/spaces/{sid}/index", json={"kind": "ivfflat", "lists": 30, "probes": 2}
        )
        assert started.status_code == 202, started.text
        run_jobs()  # builds the IVFFlat index while the searcher keeps going
        assert job(live_client, started.json()["id"])["status"] == "succeeded"
        _wait_for_answers(searcher, len(searcher.answers) + 3)
    finally:
        searcher.stop.set()
        searcher.join()

    assert all(status == 200 and rows == 10 for status, rows, _ in searcher.answers), searcher.answers
    strategies = [strategy for _, _, strategy in searcher.answers]
    assert strategies[0] == "hnsw"
    assert strategies[-1] == "ivfflat"
    [ivf_index] = vector_indexes(engine, sid)
    assert ivf_index != hnsw_index
    assert ivf_index.endswith("_ivfflat")
    assert space(live_client, pid, sid)["index"] == {"kind": "ivfflat", "lists": 30, "probes": 2}

    # IVFFlat with one probe and a selective filter still returns k rows.
    body = search(live_client, pid, vector=[1.0] * 16, k=5, probes=1, filters={"label": "rare"})
    assert (body["strategy"], len(body["results"])) == ("ivfflat", 5)

    # And back to exact: no vector index at all.
    started = live_client.post(f"/api/v1/projects/{pid}/spaces/{sid}/index", json={"kind": "exact"})
    run_jobs()
    assert vector_indexes(engine, sid) == {}
    assert search(live_client, pid, vector=[1.0] * 16, k=5)["strategy"] == "exact"


def test_deleting_a_space_drops_its_index(
    live_client: TestClient,
    run_jobs: Callable[[], int],
    queues: list[Queue],
    engine: Engine,
    synthetic: Synthetic,
) -> None:
    assert vector_indexes(engine, synthetic.space_id)
    deleted = live_client.delete(f"/api/v1/projects/{synthetic.project_id}/spaces/{synthetic.space_id}")
    assert deleted.status_code == 204
    run_jobs()
    assert vector_indexes(engine, synthetic.space_id) == {}
