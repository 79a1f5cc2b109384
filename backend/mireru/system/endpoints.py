"""HTTP routes for system health."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mireru.deps import DispatcherDep, SessionDep
from mireru.system import service
from mireru.system.schemas import Health

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
