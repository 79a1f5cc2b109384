"""HTTP routes for model versions: list, compare, get, download, delete, check a deploy, deploy,
roll back."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import FileResponse

from mireru.deps import BlobsDep, DbId, DispatcherDep, SessionDep, SettingsDep
from mireru.projects.service import get_project
from mireru.registry import service
from mireru.registry.schemas import (
    DeployGate,
    DeployRequest,
    ModelComparison,
    ModelVersionList,
    ModelVersionRead,
)

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


GATE_TEXT = """The deploy gate scores the version and what its slot serves now on the same
held-out items (split `test` when it has usable items, else `val`) with the kind's metrics, the
primary one first: embedding versions Recall@1 and mAP@R of held-out queries against the training
items (split train or none) as the gallery, compared with the project's active embedding space
(which may be a pretrained space with no model version); classifiers macro-F1 and accuracy;
detectors mAP@0.5 and mAP@[.5:.95]; keyword models F1@3 of the ranked words and the F1 of the
keyword sets. Both sides load through the process's model cache and run on the API's device,
bounded: at most 200 held-out items (50 for detectors) and 1000 gallery items, an evenly spread
sample of larger splits (`capped`). Nothing deployed, or no held-out items: the gate is skipped,
and `reason` says why."""


@router.get(
    "/projects/{project_id}/models/{model_id}/deploy-check",
    response_model=DeployGate,
    summary="Compare a version with the deployed one",
    description="What deploying this version would find, without deploying: `outcome` passed, "
    "worse (a deploy answers 409 unless forced) or skipped, with both sides' figures.\n\n" + GATE_TEXT,
)
def check_deploy(
    project_id: DbId, model_id: DbId, session: SessionDep, settings: SettingsDep, blobs: BlobsDep
) -> DeployGate:
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    return service.check_deploy(session, settings, blobs, project, version)


@router.post(
    "/projects/{project_id}/models/{model_id}/deploy",
    response_model=ModelVersionRead,
    summary="Deploy a version",
    description="""Make this version the one its slot serves, once it scores no worse than what
the slot serves now: a worse version answers 409 with both figures in the message and in
`detail` (`candidate`, `deployed`, `metric`, `held_out_items`, `gate`), unless the body is
`{"force": true}`. The body is optional. The response's `deployment.gate` is the comparison (or
why it was skipped); a passed or forced gate's figures are also kept in the version's metrics as
`gate/<metric>` (the version), `gate/deployed/<metric>` (what it replaced) and
`gate/held_out_items`.

An embedding version re-embeds the project into a new space and search switches to it when that
is built (`deployment.status` is "reembedding" until then; 409 if the retrieval engine is not
installed); a classifier, detector or keyword version is what the prediction endpoints use from
now on.

"""
    + GATE_TEXT,
)
def deploy_model(
    project_id: DbId,
    model_id: DbId,
    session: SessionDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
    blobs: BlobsDep,
    body: Annotated[DeployRequest | None, Body()] = None,
) -> ModelVersionRead:
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    force = body.force if body is not None else False
    _, gate = service.deploy(session, dispatcher, settings, blobs, project, version, force=force)
    return service.to_read(session, version, gate)


@router.post(
    "/projects/{project_id}/models/{model_id}/rollback",
    response_model=ModelVersionRead,
    summary="Roll back to the previous version",
)
def rollback_model(
    project_id: DbId, model_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> ModelVersionRead:
    """`model_id` must be the deployed version of its slot; the version deployed before it
    becomes the deployed one again (returned), without the deploy gate: rolling back is how a
    bad deploy is undone at once. Calling it again walks further back."""
    project = get_project(session, project_id)
    version = service.get_version(session, project, model_id)
    deployment = service.rollback(session, dispatcher, project, version)
    restored = service.get_version(session, project, deployment.model_version_id)
    return service.to_read(session, restored)
