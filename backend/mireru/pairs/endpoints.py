"""HTTP routes for explicit positive pairs."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mireru.deps import MAX_DB_ID, DbId, SessionDep
from mireru.pairs import repository, service
from mireru.pairs.schemas import PairList, PairRead, PairsCreate, PairsCreated
from mireru.projects.service import get_project

router = APIRouter(tags=["positive pairs"])


@router.post(
    "/projects/{project_id}/positive-pairs", response_model=PairsCreated, summary="Add positive pairs"
)
def add_pairs(project_id: DbId, data: PairsCreate, session: SessionDep) -> PairsCreated:
    """Say that two items show the same person or object. The `triplet` kind treats paired items
    as positives of each other, on top of identities or labels: pairs join groups transitively, so
    items without any identity or label can be trained on through their pairs alone."""
    project = get_project(session, project_id)
    return service.add_pairs(session, project, data)


@router.get("/projects/{project_id}/positive-pairs", response_model=PairList, summary="List positive pairs")
def list_pairs(
    project_id: DbId,
    session: SessionDep,
    item_id: Annotated[int | None, Query(ge=1, le=MAX_DB_ID, description="only pairs with this item")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PairList:
    project = get_project(session, project_id)
    pairs, total = repository.list_pairs(session, project.id, item_id, limit, offset)
    return PairList(
        items=[PairRead.model_validate(p) for p in pairs], total=total, limit=limit, offset=offset
    )


@router.delete(
    "/projects/{project_id}/positive-pairs/{pair_id}", status_code=204, summary="Remove a positive pair"
)
def delete_pair(project_id: DbId, pair_id: DbId, session: SessionDep) -> Response:
    project = get_project(session, project_id)
    repository.delete_pair(session, service.get_pair(session, project, pair_id))
    return Response(status_code=204)
