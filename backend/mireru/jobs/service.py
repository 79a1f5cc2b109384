"""Job rules: look-ups that fail clearly."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from mireru.errors import NotFound
from mireru.jobs import repository
from mireru.models import Job


def get_job(session: Session, job_id: str) -> Job:
    job = repository.get(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id!r} does not exist")
    return job


# Training runs have their own heartbeat and retry logic (training.service.reap_stale_runs).
SELF_HEALING_KINDS = ("training",)


def fail_silent_jobs(session: Session, stale_after_s: float) -> list[str]:
    """Mark failed the running jobs whose heartbeat is older than `stale_after_s`."""
    now = datetime.now(UTC)
    return repository.fail_silent_jobs(
        session, now - timedelta(seconds=stale_after_s), now, SELF_HEALING_KINDS
    )
