"""Dropping the vector indexes of owners that are gone. Deleting an owner (or its project)
cascades to its vectors, but its index is not tied to the row: it stays until swept."""

from sqlalchemy import Connection, SQLColumnExpression, select

from mireru.vectors.ddl import IndexFamily, drop_index, list_indexes


def drop_orphaned_indexes(
    conn: Connection, family: IndexFamily, owner_key: SQLColumnExpression[int]
) -> list[str]:
    """Drop the family's indexes whose owner id no longer exists in `owner_key` (e.g.
    `EmbeddingSpace.id`), on an autocommit connection; returns the dropped names."""
    found = list_indexes(conn, family)
    if not found:
        return []
    live = set(conn.execute(select(owner_key).where(owner_key.in_(set(found.values())))).scalars())
    orphans = [name for name, owner in found.items() if owner not in live]
    for name in orphans:
        drop_index(conn, name)
    return orphans
