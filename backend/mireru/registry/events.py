"""What the registry announces (see mireru.events): consumers of a deployment, such as the
keyword vectors that search by words compares against, subscribe at start-up."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mireru.jobs.queue import Dispatcher


@dataclass(frozen=True)
class VersionDeployed:
    """A version became the one its slot serves (by deploy or rollback) in this transaction."""

    session: Session
    dispatcher: Dispatcher
    project_id: int
    model_version_id: int
    slot: str
