"""Every query on the jobs table."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mireru.models import Job


def create(session: Session, kind: str, queue: str, project_id: int | None, params: dict[str, Any]) -> Job:
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        queue=queue,
        project_id=project_id,
        params=params,
        status="queued",
        progress={},
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def list_for_project(session: Session, project_id: int, limit: int, offset: int) -> list[Job]:
    stmt = (
        select(Job)
        .where(Job.project_id == project_id)
        .order_by(Job.created_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def mark_running(session: Session, job_id: str, when: datetime) -> None:
    session.execute(
        update(Job).where(Job.id == job_id).values(status="running", started_at=when, heartbeat_at=when)
    )


def beat(session: Session, job_id: str, when: datetime) -> None:
    session.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(heartbeat_at=when))


def fail_silent_jobs(
    session: Session, cutoff: datetime, when: datetime, exclude_kinds: tuple[str, ...]
) -> list[str]:
    """Mark failed every running job whose heartbeat stopped before `cutoff`; returns their ids."""
    stmt = (
        update(Job)
        .where(Job.status == "running", Job.heartbeat_at < cutoff, Job.kind.not_in(exclude_kinds))
        .values(
            status="failed",
            finished_at=when,
            error="the worker running this job stopped (killed or disconnected); start it again",
        )
        .returning(Job.id)
    )
    return list(session.scalars(stmt))


def update_progress(session: Session, job_id: str, progress: dict[str, Any]) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(progress=progress))


def mark_finished(
    session: Session,
    job_id: str,
    status: str,
    when: datetime,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=status, finished_at=when, result=result, error=error)
    )
