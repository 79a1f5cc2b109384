"""Sweeping the indexes whose owner is gone, and only those."""

from sqlalchemy import Connection, Engine, text

from mireru.vectors import ddl
from mireru.vectors.ddl import IndexFamily
from mireru.vectors.sweep import drop_orphaned_indexes
from tests.vectors.conftest import Scratch, autocommit


def _build(conn: Connection, family: IndexFamily, owner: int, kind: str, version: int | None) -> str:
    name = family.name(owner, kind, version)
    params = {"m": 16, "ef_construction": 64} if kind == "hnsw" else {"lists": 1}
    column = ddl.VectorColumn("vector", "vector", 3)
    ddl.build_index(conn, ddl.index_ddl(family, owner, column, name, kind, params), name, "64MB")
    return name


def test_only_the_indexes_of_deleted_owners_are_dropped(engine: Engine, scratch: Scratch) -> None:
    family = scratch.family
    plain = IndexFamily(scratch.table, "owner_id", f"{scratch.table}_word_", kinds=("hnsw",))
    with autocommit(engine) as conn:
        conn.execute(text(f"INSERT INTO {scratch.owners} (id) VALUES (1)"))
        live = _build(conn, family, 1, "hnsw", 1)
        orphans = {_build(conn, family, 2, "hnsw", 1), _build(conn, family, 2, "ivfflat", 3)}
        plain_live, plain_orphan = _build(conn, plain, 1, "hnsw", None), _build(conn, plain, 5, "hnsw", None)
        # Names the family did not make stay, even when they start with its prefix.
        stranger = f"{family.prefix}9_btree"
        conn.execute(text(f"CREATE INDEX {stranger} ON {scratch.table} (item_id)"))

        assert set(drop_orphaned_indexes(conn, family, scratch.owner_key)) == orphans
        assert ddl.list_indexes(conn, family) == {live: 1}
        assert drop_orphaned_indexes(conn, plain, scratch.owner_key) == [plain_orphan]
        assert ddl.list_indexes(conn, plain) == {plain_live: 1}
        assert drop_orphaned_indexes(conn, family, scratch.owner_key) == []
        left = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": scratch.table}
        ).scalars()
        assert set(left) == {f"{scratch.table}_pkey", live, plain_live, stranger}

        # The owner goes: its index is swept next time.
        conn.execute(text(f"DELETE FROM {scratch.owners}"))
        assert drop_orphaned_indexes(conn, family, scratch.owner_key) == [live]


def test_nothing_to_sweep_on_a_table_without_indexes(engine: Engine, scratch: Scratch) -> None:
    with autocommit(engine) as conn:
        assert drop_orphaned_indexes(conn, scratch.family, scratch.owner_key) == []
