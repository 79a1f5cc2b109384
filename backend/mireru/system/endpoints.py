"""HTTP routes for system health."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mireru.deps import DispatcherDep, SessionDep, SettingsDep
from mireru.system import service
from mireru.system.schemas import Health, Limits

router = APIRouter(tags=["system"])


@router.get(
    "/health",
    response_model=Health,
    summary="Health of the database, pgvector, Redis and workers",
    responses={503: {"model": Health, "description": "A dependency is down"}},
)
def health(session: SessionDep, dispatcher: DispatcherDep) -> JSONResponse:
    """200 when PostgreSQL (with pgvector) and Redis answer, else 503 with the same report."""
    report = service.check(session, dispatcher)
    return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)


@router.get("/limits", response_model=Limits, summary="Request limits")
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
