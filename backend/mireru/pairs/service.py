"""Positive pairs: validation and the rules of storing them."""

from sqlalchemy.orm import Session

from mireru.errors import NotFound
from mireru.models import PositivePair, Project
from mireru.pairs import repository
from mireru.pairs.schemas import PairsCreate, PairsCreated


def add_pairs(session: Session, project: Project, data: PairsCreate) -> PairsCreated:
    """All or nothing: one unknown item id rejects the whole request."""
    ordered = {(min(p.a, p.b), max(p.a, p.b)) for p in data.pairs}
    wanted = {i for pair in ordered for i in pair}
    missing = wanted - repository.existing_item_ids(session, project.id, sorted(wanted))
    if missing:
        raise NotFound(
            f"items {sorted(missing)[:10]} do not exist in project {project.id}; no pair was added",
            missing_item_ids=sorted(missing)[:100],
        )
    created = repository.add_pairs(session, project.id, sorted(ordered))
    return PairsCreated(created=created, existing=len(data.pairs) - created)


def get_pair(session: Session, project: Project, pair_id: int) -> PositivePair:
    pair = repository.get_pair(session, project.id, pair_id)
    if pair is None:
        raise NotFound(f"positive pair {pair_id} does not exist in project {project.id}")
    return pair
