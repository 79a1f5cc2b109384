"""Health reports the real database, pgvector, Redis and workers."""

from fastapi.testclient import TestClient
from rq import Worker

from mireru.jobs.queue import QUEUES, redis_connection
from tests.conftest import Services


def test_health_reports_components(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["pgvector"].startswith("0.8")
    assert int(body["database"]["version"].split(".")[0]) >= 15
    assert body["redis"]["ok"] is True
    assert isinstance(body["workers"], list)


def test_health_lists_a_running_worker(client: TestClient, services: Services) -> None:
    worker = Worker(list(QUEUES), connection=redis_connection(services.redis_url), name="health-probe")
    worker.register_birth()
    try:
        names = {w["name"]: w for w in client.get("/api/v1/health").json()["workers"]}
        assert "health-probe" in names
        assert names["health-probe"]["queues"] == list(QUEUES)
    finally:
        worker.register_death()


def test_health_is_503_when_redis_is_unreachable(app_state, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    from mireru.jobs.queue import Dispatcher

    app_state.dispatcher = Dispatcher("redis://127.0.0.1:1/0", 60)
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["redis"]["ok"] is False
    assert body["redis"]["error"]
    assert body["database"]["ok"] is True
