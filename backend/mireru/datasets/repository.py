"""Queries the datasets domain needs beyond the items and jobs repositories."""

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from mireru.models import Item, Job

IMPORT_KIND = "import"
UNFINISHED = ("queued", "running")


def upload_in_use(session: Session, digest: str, job_id: str) -> bool:
    """True while another unfinished import reads the same uploaded file (the same archive
    uploaded twice is stored once), or an item's blob happens to have the same bytes."""
    other_job = exists().where(
        Job.kind == IMPORT_KIND,
        Job.id != job_id,
        Job.status.in_(UNFINISHED),
        Job.params["blob"].astext == digest,
    )
    item = exists().where(or_(Item.sha256 == digest, Item.thumb_sha256 == digest))
    return bool(session.scalar(select(or_(other_job, item))))


def count_named(session: Session, project_id: int, filename: str) -> int:
    stmt = (
        select(func.count()).select_from(Item).where(Item.project_id == project_id, Item.filename == filename)
    )
    return session.scalar(stmt) or 0
