"""Deploying an embedding-producing version: the one hand-off from the registry to the retrieval
engine (the embeddings domain), which embeds every item into a new space and switches search to
it once the space is built (blue/green: search keeps answering from the old space meanwhile)."""

import importlib.util

from sqlalchemy.orm import Session

from mireru.errors import Conflict
from mireru.models import ModelVersion, Project
from mireru.worker.queues import Dispatcher


def retrieval_engine_available() -> bool:
    return importlib.util.find_spec("mireru.embeddings") is not None


def start_reembedding(
    session: Session, dispatcher: Dispatcher, project: Project, model_version: ModelVersion
) -> str | None:
    """Start re-embedding `project` with `model_version` into a new embedding space that becomes
    the active one when complete; returns the embedding job's id (None if nothing was queued)."""
    if not retrieval_engine_available():
        raise Conflict(
            "re-embedding needs the retrieval engine",
            model_version_id=model_version.id,
            project_id=project.id,
        )
    from mireru.embeddings import service as embeddings
    from mireru.embeddings.schemas import SpaceCreate

    request = SpaceCreate(
        model=model_version.id, name=f"{model_version.kind} v{model_version.version}", activate=True
    )
    return embeddings.create_space(session, dispatcher, project, request).job_id
