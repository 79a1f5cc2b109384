"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mireru.access.service import on_project_created, visible_projects
from mireru.deps import BlobsDep, CurrentPrincipal, DbId, SessionDep, SettingsDep
from mireru.projects import service
from mireru.projects.schemas import ProjectCreate, ProjectList, ProjectRead, ProjectUpdate

router = APIRouter(tags=["projects"])


@router.post("/projects", response_model=ProjectRead, status_code=201, summary="Create a project")
def create_project(
    data: ProjectCreate, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> ProjectRead:
    """Create an empty project; names are unique (409 if taken). The creator becomes its admin.
    It starts with an active search space over the offline ImageNet MobileNetV2 (unless the
    server's MIRERU_DEFAULT_SPACE is false), so similar-image search works from the first upload."""
    project = service.create_project(session, data, settings)
    on_project_created(session, principal, project)
    return service.to_read(session, project)


@router.get("/projects", response_model=ProjectList, summary="List projects")
def list_projects(
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ProjectList:
    """The projects the caller may see, with their item counts, oldest first."""
    projects, total = service.list_projects(session, limit, offset, visible_projects(session, principal))
    return ProjectList(projects=projects, total=total)


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="Get a project")
def get_project(project_id: DbId, session: SessionDep) -> ProjectRead:
    """One project with its item count."""
    return service.to_read(session, service.get_project(session, project_id))


@router.patch("/projects/{project_id}", response_model=ProjectRead, summary="Rename a project")
def update_project(project_id: DbId, data: ProjectUpdate, session: SessionDep) -> ProjectRead:
    """Change the name and/or description."""
    project = service.update_project(session, service.get_project(session, project_id), data)
    return service.to_read(session, project)


@router.delete("/projects/{project_id}", status_code=204, summary="Delete a project")
def delete_project(project_id: DbId, session: SessionDep, blobs: BlobsDep) -> Response:
    """Delete the project with all its items, annotations and jobs."""
    service.delete_project(session, blobs, service.get_project(session, project_id))
    return Response(status_code=204)
