"""The SSE stream as a browser sees it: a finished run's history replayed, then `end`; a
reconnect with Last-Event-ID gets only what it missed."""

import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.models import TrainingLog, TrainingMetric, TrainingRun
from tests.training.factories import parse_sse


def _finished_run(client: TestClient, db: Session) -> tuple[int, int]:
    pid = int(client.post("/api/v1/projects", json={"name": "events"}).json()["id"])
    run = TrainingRun(
        project_id=pid,
        kind="embedding",
        base_model="tiny-cnn",
        params={"epochs": 1},
        dataset={},
        dataset_summary={},
        status="succeeded",
        attempt=1,
        max_attempts=3,
        cancel_requested=False,
        device="cpu",
        amp="off",
        metrics={"train/loss": 0.5},
        progress={
            "epoch": 1,
            "epochs": 1,
            "step": 3,
            "steps_per_epoch": 3,
            "global_step": 3,
            "total_steps": 3,
            "items_per_s": 40.0,
            "eta_s": 0.0,
            "fraction": 1.0,
        },
        started_at=datetime.now(UTC),
        finished_at=datetime.now(UTC),
    )
    db.add(run)
    db.flush()
    common = {"run_id": run.id, "project_id": pid, "attempt": 1}
    db.add_all(
        [TrainingMetric(**common, epoch=1, step=s, name="train/loss", value=1.0 / s) for s in (1, 2, 3)]
    )
    db.add_all([TrainingLog(**common, level="info", message=m) for m in ("started", "epoch 1/1: done")])
    db.flush()
    return pid, run.id


def test_a_finished_run_streams_its_history_then_ends(client: TestClient, db: Session) -> None:
    pid, run_id = _finished_run(client, db)
    url = f"/api/v1/projects/{pid}/training-runs/{run_id}/events"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = parse_sse(response.text)
    assert events[0] == {"retry": "2000"}
    names = [e["event"] for e in events[1:]]
    assert names == ["status", "metric", "metric", "metric", "log", "log", "progress", "end"]
    status = json.loads(events[1]["data"])
    assert (status["status"], status["attempt"], status["device"]) == ("succeeded", 1, "cpu")
    metric = json.loads(events[2]["data"])
    assert (metric["name"], metric["step"], metric["epoch"], metric["value"]) == ("train/loss", 1, 1, 1.0)
    assert json.loads(events[5]["data"])["message"] == "started"
    assert json.loads(events[7]["data"])["fraction"] == 1.0
    assert json.loads(events[8]["data"]) == {"status": "succeeded"}

    # Reconnect after the first metric: only the rest comes (status and progress always do).
    first_metric_id = events[2]["id"]
    again = parse_sse(client.get(url, headers={"Last-Event-ID": first_metric_id}).text)
    assert [e.get("event") for e in again[1:]] == [
        "status",
        "metric",
        "metric",
        "log",
        "log",
        "progress",
        "end",
    ]
    assert [json.loads(e["data"])["step"] for e in again if e.get("event") == "metric"] == [2, 3]
    after_all = parse_sse(client.get(url, params={"after": events[-1]["id"]}).text)
    assert [e.get("event") for e in after_all[1:]] == ["status", "progress", "end"]


def test_events_of_an_unknown_run_are_404(client: TestClient) -> None:
    pid = int(client.post("/api/v1/projects", json={"name": "events-404"}).json()["id"])
    response = client.get(f"/api/v1/projects/{pid}/training-runs/12345/events")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
