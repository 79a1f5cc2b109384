"""What the items domain announces (see mireru.events): consumers of new items, such as the
embedding spaces that follow uploads, subscribe at start-up instead of being called from here."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mireru.config import Settings


@dataclass(frozen=True)
class ItemsAdded:
    """New (not duplicate) items were added to a project in this transaction."""

    session: Session
    settings: Settings
    project_id: int
    item_ids: list[int]
