"""PostgreSQL or Redis going down while the API serves: clear 503s, recovery by itself once the
service is back, and nothing committed (items, annotations, model versions) is lost. Uses its own
servers, since it stops them."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.db import make_engine
from mireru.main import create_app
from mireru.migrate import upgrade
from mireru.models import ModelVersion
from mireru.services.postgres import EmbeddedPostgres
from mireru.services.redis import EmbeddedRedis
from mireru.state import AppState
from tests.fixtures.images import image_bytes


@dataclass
class Stack:
    client: TestClient
    postgres: EmbeddedPostgres
    redis: EmbeddedRedis
    engine: Engine


@pytest.fixture
def stack(tmp_path: Path, settings: Settings) -> Iterator[Stack]:
    postgres = EmbeddedPostgres(tmp_path / "pg")
    redis = EmbeddedRedis(tmp_path / "redis")
    database_url, redis_url = postgres.start(), redis.start()
    upgrade(make_engine(database_url))
    cfg = settings.model_copy(
        update={"database_url": database_url, "redis_url": redis_url, "data_dir": tmp_path / "data"}
    )
    state = AppState.build(cfg, database_url, redis_url)
    with TestClient(create_app(state)) as client:
        yield Stack(client, postgres, redis, state.engine)
    state.engine.dispose()
    redis.stop()
    postgres.stop()


def _upload(client: TestClient, pid: int, seed: int) -> int:
    files = [("files", (f"{seed}.png", image_bytes(12, 12, seed=seed), "image/png"))]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 201, response.text
    return int(response.json()["items"][0]["id"])


def test_redis_down_then_back(stack: Stack) -> None:
    c = stack.client
    pid = c.post("/api/v1/projects", json={"name": "Faults"}).json()["id"]
    item = _upload(c, pid, 1)
    stack.redis.stop()

    health = c.get("/api/v1/health")
    assert health.status_code == 503
    assert health.json()["redis"]["ok"] is False
    csv = {"file": ("a.csv", b"filename,keywords\n1.png,rust\n", "text/csv")}
    refused = c.post(f"/api/v1/projects/{pid}/imports", files=csv)
    assert refused.status_code == 503
    assert "Redis" in refused.json()["error"]["message"]
    # Reads and writes that need no queue keep working.
    assert c.get(f"/api/v1/projects/{pid}/items/{item}").status_code == 200
    _upload(c, pid, 2)

    stack.redis.start()
    assert c.get("/api/v1/health").status_code == 200
    accepted = c.post(f"/api/v1/projects/{pid}/imports", files=csv)
    assert accepted.status_code == 202, accepted.text
    assert c.get(f"/api/v1/jobs/{accepted.json()['id']}").json()["status"] == "queued"


def test_postgres_down_then_back(stack: Stack) -> None:
    c = stack.client
    pid = c.post("/api/v1/projects", json={"name": "Durable"}).json()["id"]
    item = _upload(c, pid, 3)
    c.put(
        f"/api/v1/projects/{pid}/items/{item}/annotations", json={"labels": ["crack"], "keywords": ["rust"]}
    )
    version = ModelVersion(
        project_id=pid,
        version=1,
        run_id=None,
        kind="embedding",
        produces="embedding",
        base_model="tiny-cnn",
        config={},
        metrics={"val/loss": 0.5},
        file_sha256="0" * 64,
        size_bytes=1,
    )
    with Session(stack.engine) as session, session.begin():  # a registered model version
        session.add(version)
    stack.postgres.stop()

    down = c.get(f"/api/v1/projects/{pid}/items")
    assert down.status_code == 503
    assert down.json()["error"]["code"] == "database_unavailable"
    assert c.post("/api/v1/projects", json={"name": "lost?"}).status_code == 503
    health = c.get("/api/v1/health")
    assert health.status_code == 503
    assert health.json()["database"]["ok"] is False

    stack.postgres.start()
    back = c.get(f"/api/v1/projects/{pid}/items/{item}")
    assert back.status_code == 200
    assert back.json()["labels"] == ["crack"]
    assert back.json()["keywords"] == ["rust"]
    assert [p["name"] for p in c.get("/api/v1/projects").json()["projects"]] == ["Durable"]
    models = c.get(f"/api/v1/projects/{pid}/models").json()["models"]
    assert [(m["version"], m["metrics"]) for m in models] == [(1, {"val/loss": 0.5})]
    assert c.get("/api/v1/health").status_code == 200
