"""HTTP routes for model versions: list, compare, get, download, delete, deploy, roll back."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse

from mireru.deps import BlobsDep, DbId, DispatcherDep, SessionDep
from mireru.projects.service import get_project
from mireru.registry import service
from mireru.registry.schemas import ModelComparison, ModelVersionList, ModelVersionRead

router = APIRouter(tags=["models"])


@router.get("/projects/{project_id}/models", response_model=ModelVersionList, summary="List model versions")
def list_models(
    project_id: DbId,
    session: SessionDep,
    kind: Annotated[str | None, Query(max_length=50, description="only versions of this kind")] = None,
) -> ModelVersionList:
    """Model versions made by successful training runs, newest first, with `run_id`, `kind`,
    `metrics` and whether each is `deployed`."""
    return service.list_versions(session, get_project(session, project_id), kind)


@router.get(
    "/projects/{project_id}/models/compare", response_model=ModelComparison, summary="Compare model versions"
)
def compare_models(
    project_id: DbId,
    session: SessionDep,
    ids: Annotated[list[int], Query(description="model version ids, repeated: ids=3&ids=5")],
) -> ModelComparison:
    """Metrics side by side: one row per metric with each version's value and the best one
    (higher is better, except losses and errors)."""
    return service.compare(session, get_project(session, project_id), ids)


@router.get(
    "/projects/{project_id}/models/{model_id}", response_model=ModelVersionRead, summary="Get a model version"
)
def get_model(project_id: DbId, model_id: DbId, session: SessionDep) -> ModelVersionRead:
    """One version: kind, base model, config, metrics, file digest and size, the run that made
    it, and its deployment if it is deployed."""
    version = service.get_version(session, get_project(session, project_id), model_id)
    return service.to_read(session, version)


@router.get(
    "/projects/{project_id}/models/{model_id}/download",
    summary="Download a model file",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_model(project_id: DbId, model_id: DbId, session: SessionDep, blobs: BlobsDep) -> FileResponse:
    """The version's torch file: weights plus the config needed to rebuild the model
    (`torch.load(path, weights_only=True)`)."""
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    name = f"{project.name}-{version.kind}-v{version.version}.pt".replace(" ", "_").replace("/", "_")
    return FileResponse(
        service.model_file(blobs, version), media_type="application/octet-stream", filename=name
    )


@router.delete("/projects/{project_id}/models/{model_id}", status_code=204, summary="Delete a model version")
def delete_model(project_id: DbId, model_id: DbId, session: SessionDep, blobs: BlobsDep) -> Response:
    """Delete a version and its file (409 while it is deployed)."""
    version = service.get_version(session, get_project(session, project_id), model_id)
    service.delete_version(session, blobs, version)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/models/{model_id}/deploy",
    response_model=ModelVersionRead,
    summary="Deploy a version",
)
def deploy_model(
    project_id: DbId, model_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> ModelVersionRead:
    """Make this version the one its slot serves. An embedding version re-embeds the project
    into a new space and search switches to it when that is built (`deployment.status` is
    "reembedding" until then; 409 if the retrieval engine is not installed); a classifier,
    detector or keyword version is what the prediction endpoints use from now on."""
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    service.deploy(session, dispatcher, project, version)
    return service.to_read(session, version)


@router.post(
    "/projects/{project_id}/models/{model_id}/rollback",
    response_model=ModelVersionRead,
    summary="Roll back to the previous version",
)
def rollback_model(
    project_id: DbId, model_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> ModelVersionRead:
    """`model_id` must be the deployed version of its slot; the version deployed before it
    becomes the deployed one again (returned). Calling it again walks further back."""
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    deployment = service.rollback(session, dispatcher, project, version)
    restored = service.get_version(session, project, deployment.model_version_id)
    return service.to_read(session, restored)
