"""Deploying an embedding-producing version: the one hand-off from the registry to the retrieval
engine (the embeddings domain), which embeds every item into a new space and switches search to
it once the space is built (blue/green: search keeps answering from the old space meanwhile).

The registry sits below the retrieval engine, so the engine installs itself here at start-up
(`mireru.listeners`) rather than being imported: a hook with one provider, since the deployment
records the job id the engine returns."""

from collections.abc import Callable

from sqlalchemy.orm import Session

from mireru.errors import Conflict
from mireru.jobs.queue import Dispatcher
from mireru.models import ModelVersion, Project

StartReembedding = Callable[[Session, Dispatcher, Project, ModelVersion], str | None]

_engine: list[StartReembedding] = []


def install_retrieval_engine(start: StartReembedding) -> None:
    """Make `start` the retrieval engine deployments hand embedding versions to."""
    _engine[:] = [start]


def retrieval_engine_available() -> bool:
    return bool(_engine)


def require_retrieval_engine(project: Project, model_version: ModelVersion) -> None:
    """409 when no retrieval engine is installed: an embedding version cannot be deployed."""
    if not retrieval_engine_available():
        raise Conflict(
            "re-embedding needs the retrieval engine",
            model_version_id=model_version.id,
            project_id=project.id,
        )


def start_reembedding(
    session: Session, dispatcher: Dispatcher, project: Project, model_version: ModelVersion
) -> str | None:
    """Start re-embedding `project` with `model_version` into a new embedding space that becomes
    the active one when complete; returns the embedding job's id (None if nothing was queued)."""
    require_retrieval_engine(project, model_version)
    return _engine[0](session, dispatcher, project, model_version)
