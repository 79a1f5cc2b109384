"""HTTP routes for jobs."""

from fastapi import APIRouter

from mireru.deps import SessionDep
from mireru.jobs import service
from mireru.jobs.schemas import JobRead

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", response_model=JobRead, summary="Get a job's status and progress")
def get_job(job_id: str, session: SessionDep) -> JobRead:
    """Status (queued, running, succeeded, failed), progress with rate and ETA, result or error."""
    return JobRead.model_validate(service.get_job(session, job_id))
