"""What the projects domain announces (see mireru.events): a new project, so that the retrieval
engine can give it a search space before anyone configures one."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.models import Project


@dataclass(frozen=True)
class ProjectCreated:
    """A project was created in this transaction (by the API or an import that creates one)."""

    session: Session
    settings: Settings
    project: Project
