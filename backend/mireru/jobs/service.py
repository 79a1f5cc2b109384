"""Job rules: look-ups that fail clearly."""

from sqlalchemy.orm import Session

from mireru.errors import NotFound
from mireru.jobs import repository
from mireru.models import Job


def get_job(session: Session, job_id: str) -> Job:
    job = repository.get(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id!r} does not exist")
    return job
