"""Jobs never stay "running" after their worker dies: heartbeats, and the workers' reaper."""

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from mireru.config import Settings
from mireru.jobs.runtime import Heartbeat, Runtime
from mireru.models import Job
from mireru.storage import BlobStore
from mireru.worker.reaper import Reaper
from tests.conftest import Services


@pytest.fixture
def jobs(engine: Engine) -> Iterator[list[str]]:
    created: list[str] = []
    yield created
    with engine.begin() as conn:
        conn.execute(delete(Job).where(Job.id.in_(created)))


def _job(engine: Engine, created: list[str], kind: str, status: str, beat_age_s: float) -> str:
    job_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add(
            Job(
                id=job_id,
                kind=kind,
                queue="default",
                status=status,
                params={},
                progress={},
                started_at=now,
                heartbeat_at=now - timedelta(seconds=beat_age_s),
            )
        )
    created.append(job_id)
    return job_id


def _status(engine: Engine, job_id: str) -> Job:
    with Session(engine) as session:
        return session.scalars(select(Job).where(Job.id == job_id)).one()


def test_reaper_fails_jobs_whose_heartbeat_stopped(
    engine: Engine, jobs: list[str], settings: Settings, services: Services
) -> None:
    dead = _job(engine, jobs, "import", "running", beat_age_s=600)
    alive = _job(engine, jobs, "import", "running", beat_age_s=1)
    training = _job(engine, jobs, "training", "running", beat_age_s=600)  # runs heal themselves
    done = _job(engine, jobs, "import", "succeeded", beat_age_s=600)

    reaper = Reaper(
        settings.model_copy(update={"job_stale_after_s": 60}), services.database_url, services.redis_url
    )
    try:
        reaper.reap_once()
    finally:
        reaper.stop()

    failed = _status(engine, dead)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "worker running this job stopped" in failed.error
    assert failed.finished_at is not None
    assert _status(engine, alive).status == "running"
    assert _status(engine, training).status == "running"
    assert _status(engine, done).status == "succeeded"


def test_heartbeat_moves_while_a_job_runs(engine: Engine, jobs: list[str], settings: Settings) -> None:
    job_id = _job(engine, jobs, "import", "running", beat_age_s=600)
    before = _status(engine, job_id).heartbeat_at
    rt = Runtime(
        settings.model_copy(update={"job_heartbeat_s": 0.05}),
        sessionmaker(bind=engine),
        BlobStore(settings.blob_dir),
    )
    with Heartbeat(job_id, rt):
        deadline = time.monotonic() + 5
        while _status(engine, job_id).heartbeat_at == before and time.monotonic() < deadline:
            time.sleep(0.05)
    after = _status(engine, job_id).heartbeat_at
    assert before is not None
    assert after is not None
    assert after > before + timedelta(seconds=500)
