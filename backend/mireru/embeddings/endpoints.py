"""HTTP routes for embedding spaces."""

from fastapi import APIRouter, Response

from mireru.deps import DbId, DispatcherDep, SessionDep
from mireru.embeddings import evaluate, service
from mireru.embeddings.schemas import (
    IndexConfig,
    RetrievalEvalRequest,
    RetrievalEvaluation,
    SpaceCreate,
    SpaceList,
    SpaceRead,
)
from mireru.jobs.schemas import JobRead
from mireru.jobs.service import get_job
from mireru.projects.service import get_project

router = APIRouter(tags=["embeddings"])


@router.post(
    "/projects/{project_id}/spaces",
    response_model=SpaceRead,
    status_code=201,
    summary="Create an embedding space",
)
def create_space(
    project_id: DbId, data: SpaceCreate, session: SessionDep, dispatcher: DispatcherDep
) -> SpaceRead:
    """Register a feature extractor (open_clip name + pretrained tag or checkpoint, torchvision CNN
    + weights, or a model version) and embed every item with it in a job (`job_id`). The first
    space of a project becomes active once built."""
    project = get_project(session, project_id)
    space = service.create_space(session, dispatcher, project, data)
    return service.to_read(session, space)


@router.get("/projects/{project_id}/spaces", response_model=SpaceList, summary="List embedding spaces")
def list_spaces(project_id: DbId, session: SessionDep) -> SpaceList:
    """Every space with its status, dimension, item count, index and job progress; which is active."""
    return service.list_spaces(session, get_project(session, project_id))


@router.get("/projects/{project_id}/spaces/{space_id}", response_model=SpaceRead, summary="Get a space")
def get_space(project_id: DbId, space_id: DbId, session: SessionDep) -> SpaceRead:
    """One space with its status and the progress of its running job."""
    project = get_project(session, project_id)
    return service.to_read(session, service.get_space(session, project, space_id))


@router.post(
    "/projects/{project_id}/spaces/{space_id}/activate", response_model=SpaceRead, summary="Activate a space"
)
def activate_space(
    project_id: DbId, space_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> SpaceRead:
    """Make this the space search answers from. If it is still being built, the switch happens
    when it is complete (`activation_pending`); until then the current space keeps answering."""
    project = get_project(session, project_id)
    space = service.activate(session, dispatcher, project, service.get_space(session, project, space_id))
    return service.to_read(session, space)


@router.post(
    "/projects/{project_id}/spaces/{space_id}/index",
    response_model=JobRead,
    status_code=202,
    summary="Rebuild a space's index",
)
def rebuild_index(
    project_id: DbId, space_id: DbId, index: IndexConfig, session: SessionDep, dispatcher: DispatcherDep
) -> JobRead:
    """Build another index (HNSW, IVFFlat or exact) beside the current one and switch to it when
    done; searches keep being answered throughout."""
    project = get_project(session, project_id)
    job_id = service.rebuild_index(
        session, dispatcher, project, service.get_space(session, project, space_id), index
    )
    return JobRead.model_validate(get_job(session, job_id))


@router.post(
    "/projects/{project_id}/spaces/{space_id}/evaluate",
    response_model=RetrievalEvaluation,
    summary="Evaluate a space's retrieval quality",
)
def evaluate_space(
    project_id: DbId, space_id: DbId, session: SessionDep, data: RetrievalEvalRequest | None = None
) -> RetrievalEvaluation:
    """Recall@K, Precision@K and mAP@R (overall and per class) of the space's stored vectors over
    the items of the chosen splits, each querying all the others; when the space was built from a
    model version, the metrics are stored on it as "eval/...". Runs in the request, for up to
    10,000 items (more: `mireru eval retrieval`)."""
    project = get_project(session, project_id)
    space = service.get_space(session, project, space_id)
    return evaluate.evaluate_space(session, space, data or RetrievalEvalRequest())


@router.delete("/projects/{project_id}/spaces/{space_id}", status_code=204, summary="Delete a space")
def delete_space(
    project_id: DbId, space_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> Response:
    """Delete the space and its vectors; its index is dropped by a background job."""
    project = get_project(session, project_id)
    service.delete_space(session, dispatcher, service.get_space(session, project, space_id))
    return Response(status_code=204)
