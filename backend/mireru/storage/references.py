"""Which blobs items still reference, and removing the ones none does (after a commit that
removed items, or a rollback that wrote files for nothing)."""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mireru.models import Item
from mireru.storage import BlobStore


def referenced(session: Session, digests: Iterable[str]) -> set[str]:
    wanted = list(set(digests))
    if not wanted:
        return set()
    rows = session.execute(
        select(Item.sha256, Item.thumb_sha256).where(
            or_(Item.sha256.in_(wanted), Item.thumb_sha256.in_(wanted))
        )
    )
    return {d for pair in rows for d in pair} & set(wanted)


def delete_unreferenced(session: Session, blobs: BlobStore, digests: Iterable[str]) -> None:
    """Run after a commit that removed items: their files go unless another item shares them."""
    candidates = set(digests)
    for digest in candidates - referenced(session, candidates):
        blobs.delete(digest)
