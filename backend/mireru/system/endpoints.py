"""HTTP routes for the platform itself: health and limits (public), background jobs (per the
access policy: a job is visible to the members of its project)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mireru.deps import DispatcherDep, SessionDep, SettingsDep
from mireru.jobs import service as jobs
from mireru.jobs.schemas import JobRead
from mireru.system import service
from mireru.system.schemas import Health, Limits

public_router = APIRouter(tags=["system"])
router = APIRouter(tags=["jobs"])


@public_router.get(
    "/health",
    response_model=Health,
    summary="Health of the database, pgvector, Redis and workers",
    responses={503: {"model": Health, "description": "A dependency is down"}},
)
def health(session: SessionDep, dispatcher: DispatcherDep) -> JSONResponse:
    """200 when PostgreSQL (with pgvector) and Redis answer, else 503 with the same report."""
    report = service.check(session, dispatcher)
    return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)


@public_router.get("/limits", response_model=Limits, summary="Request limits")
def limits(settings: SettingsDep) -> Limits:
    """Largest upload, files per request, pixel count, import size and page size."""
    return Limits(
        max_upload_bytes=settings.max_upload_bytes,
        max_files_per_request=settings.max_files_per_request,
        max_image_pixels=settings.max_image_pixels,
        max_import_bytes=settings.max_import_bytes,
        max_page_size=settings.max_page_size,
        max_json_bytes=settings.max_json_bytes,
        max_json_depth=settings.max_json_depth,
    )


@router.get("/jobs/{job_id}", response_model=JobRead, summary="Get a job's status and progress")
def get_job(job_id: str, session: SessionDep) -> JobRead:
    """Status (queued, running, succeeded, failed), progress with rate and ETA, result or error."""
    return JobRead.model_validate(jobs.get_job(session, job_id))
