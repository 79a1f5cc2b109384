"""Project rules: unique names, clear errors, blob clean-up after a delete commits."""

from sqlalchemy.orm import Session

from mireru import events
from mireru.config import Settings
from mireru.db import after_commit
from mireru.errors import Conflict, NotFound
from mireru.models import Project
from mireru.projects import repository
from mireru.projects.events import ProjectCreated
from mireru.projects.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from mireru.storage import BlobStore
from mireru.storage import references as blob_refs


def get_project(session: Session, project_id: int) -> Project:
    project = repository.get(session, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist")
    return project


def to_read(session: Session, project: Project) -> ProjectRead:
    counts = repository.item_counts(session, [project.id])
    return ProjectRead.model_validate(project).model_copy(update={"item_count": counts.get(project.id, 0)})


def list_projects(
    session: Session, limit: int, offset: int, only: list[int] | None = None
) -> tuple[list[ProjectRead], int]:
    """Projects in id order; `only` restricts to those ids (None: all)."""
    projects, total = repository.list_all(session, limit, offset, only)
    counts = repository.item_counts(session, [p.id for p in projects])
    reads = [
        ProjectRead.model_validate(p).model_copy(update={"item_count": counts.get(p.id, 0)}) for p in projects
    ]
    return reads, total


def _ensure_name_free(session: Session, name: str) -> None:
    if repository.get_by_name(session, name) is not None:
        raise Conflict(f"a project named {name!r} already exists", name=name)


def create_project(session: Session, data: ProjectCreate, settings: Settings | None = None) -> Project:
    """A new, empty project. With `settings` (the API, imports) its creation is announced, so the
    project gets the default search space; without (fixtures, benches) it stays bare."""
    name = data.name.strip()
    _ensure_name_free(session, name)
    project = repository.add(session, Project(name=name, description=data.description))
    if settings is not None:
        events.publish(ProjectCreated(session, settings, project))
    return project


def update_project(session: Session, project: Project, data: ProjectUpdate) -> Project:
    if data.name is not None and data.name.strip() != project.name:
        _ensure_name_free(session, data.name.strip())
        project.name = data.name.strip()
    if data.description is not None:
        project.description = data.description
    session.flush()
    session.refresh(project)
    return project


def delete_project(session: Session, blobs: BlobStore, project: Project) -> None:
    digests = repository.blob_digests(session, project.id)
    repository.delete(session, project)
    after_commit(session, lambda: blob_refs.delete_unreferenced(session, blobs, digests))
