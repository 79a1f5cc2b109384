"""Mounts each domain's router under /api/v1, nothing else."""

from fastapi import APIRouter, Depends

from mireru.accounts.endpoints import public_router as accounts_public_router
from mireru.accounts.endpoints import router as accounts_router
from mireru.annotations.endpoints import router as annotations_router
from mireru.datasets.endpoints import router as datasets_router
from mireru.datasets.endpoints import sample_router
from mireru.deps import authorize
from mireru.embeddings.endpoints import router as embeddings_router
from mireru.error_schemas import ERROR_RESPONSES
from mireru.items.endpoints import router as items_router
from mireru.pairs.endpoints import router as pairs_router
from mireru.predict.endpoints import router as predict_router
from mireru.projects.endpoints import router as projects_router
from mireru.registry.endpoints import router as registry_router
from mireru.search.endpoints import router as search_router
from mireru.search.endpoints import words_router as search_by_words_router
from mireru.system.endpoints import public_router as system_public_router
from mireru.system.endpoints import router as system_router
from mireru.training.endpoints import router as training_router
from mireru.words.endpoints import router as words_router

api_router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
api_router.include_router(system_public_router)
api_router.include_router(accounts_public_router)

# Every other route passes the access policy (mireru.access.policy) before it runs.
protected = APIRouter(dependencies=[Depends(authorize)])
for router in (
    accounts_router,
    projects_router,
    sample_router,
    items_router,
    annotations_router,
    datasets_router,
    system_router,
    embeddings_router,
    search_router,
    training_router,
    registry_router,
    predict_router,
    words_router,
    search_by_words_router,
    pairs_router,
):
    protected.include_router(router)
api_router.include_router(protected)
