"""Runs whose worker died: a stale heartbeat makes the run a new attempt (or failed once it has
used them all); the dead attempt's writes are fenced off."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import TRAINING_QUEUE
from mireru.models import Job, TrainingRun
from mireru.training import repository, service


class RecordingDispatcher:
    def __init__(self) -> None:
        self.enqueued: list[tuple[str, str, str, dict[str, Any]]] = []

    def enqueue_after_commit(
        self, session: Session, queue: str, func: str, job_id: str, kwargs: dict[str, Any]
    ) -> None:
        self.enqueued.append((queue, func, job_id, kwargs))


def _running_run(client: TestClient, db: Session, beat_age_s: float, attempt: int = 1) -> TrainingRun:
    age_s = beat_age_s
    pid = int(client.post("/api/v1/projects", json={"name": f"reaper-{beat_age_s}-{attempt}"}).json()["id"])
    job = jobs_repo.create(db, "training", TRAINING_QUEUE, pid, {})
    run = TrainingRun(
        project_id=pid,
        job_id=job.id,
        kind="embedding",
        base_model="tiny-cnn",
        params={},
        dataset={},
        dataset_summary={},
        status="running",
        progress={},
        metrics={},
        attempt=attempt,
        max_attempts=2,
        cancel_requested=False,
        worker="host:123",
        heartbeat_at=datetime.now(UTC) - timedelta(seconds=age_s),
        checkpoint={"epoch": 2, "step": 4, "global_step": 8},
        checkpoint_sha256="a" * 64,
    )
    db.add(run)
    db.flush()
    return run


def test_a_stale_run_becomes_its_next_attempt_and_the_dead_one_is_fenced_off(
    client: TestClient, db: Session
) -> None:
    stale = _running_run(client, db, beat_age_s=120)
    fresh = _running_run(client, db, beat_age_s=1)
    dispatcher = RecordingDispatcher()
    reaped = service.reap_stale_runs(db, dispatcher, stale_after_s=60)  # type: ignore[arg-type]
    assert reaped == [stale.id]
    db.refresh(stale)
    db.refresh(fresh)
    assert (stale.status, stale.attempt, stale.worker, stale.heartbeat_at) == ("queued", 2, None, None)
    assert fresh.status == "running"
    assert dispatcher.enqueued == [
        (TRAINING_QUEUE, service.RUN_JOB, f"{stale.job_id}-a2", {"run_id": stale.id, "attempt": 2})
    ]
    [line] = [line.message for line in repository.log_lines(db, stale.id)]
    assert "worker host:123 stopped sending heartbeats" in line
    assert "retrying as attempt 2 of 2 from the checkpoint at epoch 2 step 4" in line
    job = db.get(Job, stale.job_id)
    assert job is not None
    assert job.status == "queued"

    # The presumed-dead attempt 1 can neither claim, heartbeat nor write any more.
    now = datetime.now(UTC)
    assert repository.heartbeat(db, stale.id, 1, now) is None
    assert not repository.fenced_update(db, stale.id, 1, progress={"epoch": 9})
    assert repository.claim(db, stale.id, 1, "other:1", now) is None
    claimed = repository.claim(db, stale.id, 2, "other:1", now)
    assert claimed is not None
    assert claimed.status == "running"


def test_a_run_out_of_attempts_fails(client: TestClient, db: Session) -> None:
    run = _running_run(client, db, beat_age_s=120, attempt=2)
    dispatcher = RecordingDispatcher()
    assert service.reap_stale_runs(db, dispatcher, stale_after_s=60) == [run.id]  # type: ignore[arg-type]
    db.refresh(run)
    assert run.status == "failed"
    assert run.error is not None
    assert "used all 2 attempts" in run.error
    assert dispatcher.enqueued == []


def test_reading_runs_retries_a_dead_one(client: TestClient, db: Session) -> None:
    run = _running_run(client, db, beat_age_s=3600)
    got = client.get(f"/api/v1/projects/{run.project_id}/training-runs/{run.id}").json()
    assert (got["status"], got["attempt"]) == ("queued", 2)
    assert "stopped sending heartbeats" in got["log_tail"][-1]["message"]
