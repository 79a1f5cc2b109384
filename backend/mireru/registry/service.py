"""Registry rules: versions are registered by successful runs, listed, compared, downloaded and
deleted; a deployment makes a version the one its slot serves once it has passed the deploy gate
(registry.gate: no worse than what it replaces on held-out items, unless forced), and rollback
returns the slot to the version deployed before it, without a gate. Never commits."""

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mireru import events, kinds
from mireru.config import Settings
from mireru.db import after_commit
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.jobs.queue import Dispatcher
from mireru.kinds.base import EMBEDDING_SLOT
from mireru.models import Deployment, ModelVersion, Project, TrainingRun
from mireru.registry import gate, reembed, repository
from mireru.registry.events import VersionDeployed
from mireru.registry.schemas import (
    DeployGate,
    DeploymentRead,
    GateFigure,
    MetricRow,
    ModelComparison,
    ModelVersionList,
    ModelVersionRead,
)
from mireru.storage import BlobStore

MAX_COMPARE = 20
LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse")


def _read(
    version: ModelVersion, deployment: Deployment | None, deploy_gate: DeployGate | None = None
) -> ModelVersionRead:
    read = ModelVersionRead.model_validate(version)
    shown = None
    if deployment is not None:
        shown = DeploymentRead.model_validate(deployment).model_copy(update={"gate": deploy_gate})
    return read.model_copy(
        update={
            "deployed": deployment is not None,
            "deployment": shown,
            "download_url": f"/api/v1/projects/{version.project_id}/models/{version.id}/download",
        }
    )


def to_read(
    session: Session, version: ModelVersion, deploy_gate: DeployGate | None = None
) -> ModelVersionRead:
    """The version as the API shows it; `deploy_gate` is the deploy response's comparison."""
    deployment = repository.active_deployments(session, version.project_id).get(version.id)
    return _read(version, deployment, deploy_gate)


def list_versions(session: Session, project: Project, kind: str | None) -> ModelVersionList:
    versions = repository.list_versions(session, project.id, kind)
    active = repository.active_deployments(session, project.id)
    return ModelVersionList(models=[_read(v, active.get(v.id)) for v in versions], total=len(versions))


def get_version(session: Session, project: Project, model_id: int) -> ModelVersion:
    version = repository.get_version(session, project.id, model_id)
    if version is None:
        raise NotFound(f"model version {model_id} does not exist in project {project.id}")
    return version


def register_version(
    session: Session,
    run: TrainingRun,
    produces: str,
    file_sha256: str,
    size_bytes: int,
    metrics: dict[str, float],
    config: dict[str, Any],
) -> ModelVersion:
    """The version a successful run made (called by the training job, in its final transaction)."""
    version = ModelVersion(
        project_id=run.project_id,
        version=repository.next_version(session, run.project_id),
        run_id=run.id,
        kind=run.kind,
        produces=produces,
        base_model=run.base_model,
        config=config,
        metrics={k: float(v) for k, v in metrics.items() if math.isfinite(v)},
        file_sha256=file_sha256,
        size_bytes=size_bytes,
    )
    return repository.add_version(session, version)


def _higher_is_better(name: str) -> bool:
    leaf = name.rsplit("/", 1)[-1].lower()
    return not any(leaf == word or leaf.endswith(f"_{word}") for word in LOWER_IS_BETTER)


def compare(session: Session, project: Project, model_ids: list[int]) -> ModelComparison:
    """Versions side by side: one row per metric, one value per version, the best marked."""
    ids = list(dict.fromkeys(model_ids))
    if not 1 <= len(ids) <= MAX_COMPARE:
        raise InvalidInput(f"compare 1 to {MAX_COMPARE} model versions (ids=1&ids=2...)", field="ids")
    versions = repository.get_versions(session, project.id, ids)
    missing = sorted(set(ids) - {v.id for v in versions})
    if missing:
        raise NotFound(f"model versions {missing} do not exist in project {project.id}", missing=missing)
    order = {model_id: i for i, model_id in enumerate(ids)}
    versions.sort(key=lambda v: order[v.id])
    active = repository.active_deployments(session, project.id)
    names = sorted({name for v in versions for name in v.metrics})
    rows = []
    for name in names:
        values = {str(v.id): v.metrics.get(name) for v in versions}
        higher = _higher_is_better(name)
        present = [(value, int(key)) for key, value in values.items() if value is not None]
        best = (max(present) if higher else min(present))[1] if present else None
        rows.append(MetricRow(name=name, values=values, higher_is_better=higher, best_model_id=best))
    return ModelComparison(models=[_read(v, active.get(v.id)) for v in versions], metrics=rows)


def delete_version(session: Session, blobs: BlobStore, version: ModelVersion) -> None:
    """Delete a version and its file; the deployed version of a slot cannot be deleted."""
    if version.id in repository.active_deployments(session, version.project_id):
        raise Conflict(
            f"model version {version.version} is deployed; deploy another version (or roll back) first",
            model_id=version.id,
        )
    digest = version.file_sha256
    repository.delete_version(session, version)
    if not repository.blob_in_use(session, digest):
        after_commit(session, lambda: blobs.delete(digest))


def model_file(blobs: BlobStore, version: ModelVersion) -> Path:
    path = blobs.path(version.file_sha256)
    if not path.is_file():
        raise NotFound(f"the file of model version {version.version} is missing from the blob store")
    return path


def slot_of(version: ModelVersion) -> str:
    if version.produces == "embedding":
        return EMBEDDING_SLOT
    try:
        return kinds.get_kind(version.kind).slot
    except InvalidInput as exc:
        raise Conflict(
            f"model kind {version.kind!r} is not installed; its versions cannot be deployed"
        ) from exc


def _activate(
    session: Session,
    dispatcher: Dispatcher,
    project: Project,
    version: ModelVersion,
    current: Deployment | None,
    replaced_id: int | None,
    rollback_of: int | None,
) -> Deployment:
    now = datetime.now(UTC)
    if current is not None:
        repository.retire(session, current, now)
    deployment = Deployment(
        project_id=project.id,
        slot=slot_of(version),
        model_version_id=version.id,
        active=True,
        status="live",
        replaced_id=replaced_id,
        rollback_of=rollback_of,
    )
    if version.produces == "embedding":
        deployment.status = "reembedding"
        deployment.reembed_job_id = reembed.start_reembedding(session, dispatcher, project, version)
    added = repository.add_deployment(session, deployment)
    events.publish(VersionDeployed(session, dispatcher, project.id, version.id, added.slot))
    return added


# --- the deploy gate ----------------------------------------------------------------------------

# A candidate is worse only when it is below by more than float noise (the same model scored
# through stored and in-memory vectors may differ in the last bits).
WORSE_BY = 1e-9


def _figures(a: float, b: float) -> tuple[str, str]:
    """Both values with the same decimals: two, or as many more (up to six) as it takes for
    different values not to look equal and for a value that is not 0 not to look like 0."""
    for decimals in range(2, 7):
        shown = f"{a:.{decimals}f}", f"{b:.{decimals}f}"
        distinct = shown[0] != shown[1] or a == b
        if distinct and all(v == 0 or float(t) != 0 for v, t in zip((a, b), shown, strict=True)):
            return shown
    return f"{a:.6f}", f"{b:.6f}"


def _skipped(slot: str, reason: str) -> DeployGate:
    return DeployGate(outcome="skipped", reason=f"gate skipped: {reason}", slot=slot)


def _compare(
    session: Session, settings: Settings, blobs: BlobStore, project: Project, version: ModelVersion
) -> DeployGate:
    slot = slot_of(version)
    current = repository.active_in_slot(session, project.id, slot)
    if current is not None and current.model_version_id == version.id:
        return _skipped(slot, f"model version {version.version} is already the deployed {slot} version")
    measure = gate.measure_for(version.produces)
    if measure is None:
        return _skipped(slot, f"no deploy gate is installed for versions that produce {version.produces}")
    try:
        found = measure(session, settings, blobs, project, version)
    except gate.SkipGate as exc:
        return _skipped(slot, str(exc))
    primary = found.figures[0]
    worse = primary.candidate < primary.deployed - WORSE_BY
    c, d = _figures(primary.candidate, primary.deployed)
    reason = (
        f"model version {version.version} scores {primary.label} {c} on {found.held_out_items} "
        f"{found.split} items; {found.compared_with} scores {d}"
    )
    return DeployGate(
        outcome="worse" if worse else "passed",
        reason=reason,
        slot=slot,
        metric=primary.name,
        candidate=primary.candidate,
        deployed=primary.deployed,
        figures=[
            GateFigure(name=f.name, label=f.label, candidate=f.candidate, deployed=f.deployed)
            for f in found.figures
        ],
        split=found.split,
        held_out_items=found.held_out_items,
        gallery_items=found.gallery_items,
        capped=found.capped,
        compared_with=found.compared_with,
        deployed_model_version_id=found.deployed_model_version_id,
        deployed_space_id=found.deployed_space_id,
    )


def check_deploy(
    session: Session, settings: Settings, blobs: BlobStore, project: Project, version: ModelVersion
) -> DeployGate:
    """What deploying `version` would find, without deploying: both sides' figures on the same
    held-out items, or why there is nothing to compare."""
    slot_of(version)  # a kind that is not installed cannot be deployed: say so here too
    return _compare(session, settings, blobs, project, version)


def gate_metrics(result: DeployGate) -> dict[str, float]:
    """A passed or forced gate's figures, kept on the version: gate/<metric> is the version's,
    gate/deployed/<metric> what it replaced, on gate/held_out_items items."""
    metrics = {f"gate/{f.name}": f.candidate for f in result.figures}
    metrics.update({f"gate/deployed/{f.name}": f.deployed for f in result.figures})
    if result.figures:
        metrics["gate/held_out_items"] = float(result.held_out_items)
    return {k: v for k, v in metrics.items() if math.isfinite(v)}


def deploy(
    session: Session,
    dispatcher: Dispatcher,
    settings: Settings,
    blobs: BlobStore,
    project: Project,
    version: ModelVersion,
    force: bool = False,
) -> tuple[Deployment, DeployGate]:
    """Make `version` the one its slot serves, once it scores no worse than what the slot serves
    now on the held-out items (409 with both figures otherwise, unless `force`). Embedding
    versions re-embed the project into a new space first (search switches when it is built);
    prediction versions are live at once."""
    slot = slot_of(version)
    current = repository.active_in_slot(session, project.id, slot)
    if current is not None and current.model_version_id == version.id:
        return current, _skipped(slot, f"model version {version.version} is already deployed")
    if version.produces == "embedding":
        reembed.require_retrieval_engine(project, version)  # before spending seconds on the gate
    # Measured before the slot's row lock: the evaluation takes seconds and must not hold up
    # other deploys of the project meanwhile.
    result = _compare(session, settings, blobs, project, version)
    if result.outcome == "worse":
        if not force:
            raise Conflict(
                f"{result.reason} — deploy with force: true to replace it anyway",
                model_id=version.id,
                metric=result.metric,
                candidate=result.candidate,
                deployed=result.deployed,
                held_out_items=result.held_out_items,
                split=result.split,
                gate=result.model_dump(mode="json"),
            )
        result = result.model_copy(update={"outcome": "forced", "reason": f"{result.reason}; forced"})
    if result.outcome in ("passed", "forced"):
        repository.record_metrics(session, version, gate_metrics(result))
    current = repository.active_in_slot(session, project.id, slot, lock=True)
    if current is not None and current.model_version_id == version.id:
        return current, result
    replaced = current.id if current is not None else None
    return _activate(session, dispatcher, project, version, current, replaced, None), result


def rollback(session: Session, dispatcher: Dispatcher, project: Project, version: ModelVersion) -> Deployment:
    """Return the slot of the deployed `version` to the version deployed before it. Rolling back
    again walks further back in the slot's history."""
    slot = slot_of(version)
    current = repository.active_in_slot(session, project.id, slot, lock=True)
    if current is None or current.model_version_id != version.id:
        raise Conflict(
            f"model version {version.version} is not the deployed {slot} version; only that can roll back",
            model_id=version.id,
        )
    previous = repository.get_deployment(session, current.replaced_id) if current.replaced_id else None
    if previous is None:
        raise Conflict(f"no earlier {slot} deployment to roll back to", model_id=version.id)
    target = repository.get_version(session, project.id, previous.model_version_id)
    if target is None:
        raise Conflict(f"the earlier {slot} version was deleted; deploy a version instead")
    return _activate(session, dispatcher, project, target, current, previous.replaced_id, current.id)


def deployed_version(session: Session, project_id: int, slot: str) -> ModelVersion | None:
    """The version a slot serves now: what the prediction endpoints load ("classifier", ...)
    and, for "embedding", the version whose space search switches to."""
    deployment = repository.active_in_slot(session, project_id, slot)
    if deployment is None:
        return None
    return repository.get_version(session, project_id, deployment.model_version_id)


def mark_embedding_live(session: Session, project_id: int, model_version_id: int) -> None:
    """For the retrieval engine: the space built for this version is now the active one."""
    deployment = repository.active_in_slot(session, project_id, EMBEDDING_SLOT)
    if deployment is not None and deployment.model_version_id == model_version_id:
        deployment.status = "live"
        session.flush()


def load_model(blobs: BlobStore, version: ModelVersion, device: str = "cpu") -> Any:
    """The version's model ready for inference (an embedder or a predictor, per its kind); loads
    torch on first use. Callers own the caching."""
    spec = kinds.get_kind(version.kind)
    return spec.load_inference(model_file(blobs, version), device)
