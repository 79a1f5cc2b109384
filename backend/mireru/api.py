"""Mounts each domain's router under /api/v1, nothing else."""

from fastapi import APIRouter, Depends

from mireru.annotations.endpoints import router as annotations_router
from mireru.datasets.endpoints import router as datasets_router
from mireru.deps import get_principal
from mireru.error_schemas import ERROR_RESPONSES
from mireru.items.endpoints import router as items_router
from mireru.jobs.endpoints import router as jobs_router
from mireru.projects.endpoints import router as projects_router
from mireru.system.endpoints import router as system_router

api_router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
api_router.include_router(system_router)

protected = APIRouter(dependencies=[Depends(get_principal)])
for router in (projects_router, items_router, annotations_router, datasets_router, jobs_router):
    protected.include_router(router)
api_router.include_router(protected)
