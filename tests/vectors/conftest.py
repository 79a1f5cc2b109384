"""A scratch table per test, shaped like `embeddings` and `words` (many owners' vectors in
undimensioned columns) but known to no domain, so `mireru.vectors` is exercised on its own.

Index builds are CREATE INDEX CONCURRENTLY, which waits for every open transaction of the
database: these tests commit their writes and never hold a transaction across a build.
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, Integer, column, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from mireru.vectors import copy
from mireru.vectors.ddl import IndexFamily


@dataclass(frozen=True)
class Scratch:
    table: str
    owners: str  # the owners' table: ids of live owners
    family: IndexFamily
    owner_key: ColumnClause[int]


@pytest.fixture
def scratch(engine: Engine) -> Iterator[Scratch]:
    name = f"vectors_test_{uuid.uuid4().hex[:8]}"
    with autocommit(engine) as conn:
        conn.execute(text(f"CREATE TABLE {name}_owners (id int4 PRIMARY KEY)"))
        conn.execute(
            text(
                f"CREATE TABLE {name} (owner_id int4 NOT NULL, item_id int4 NOT NULL, word text, "
                "count int8, vector vector, half halfvec, PRIMARY KEY (owner_id, item_id))"
            )
        )
    owners = table(f"{name}_owners", column("id", Integer))
    family = IndexFamily(name, "owner_id", f"{name}_owner_", versioned=True)
    yield Scratch(name, f"{name}_owners", family, owners.c.id)
    with autocommit(engine) as conn:
        conn.execute(text(f"DROP TABLE {name}, {name}_owners"))


def autocommit(engine: Engine) -> Connection:
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def write_vectors(
    session: Session, scratch: Scratch, owner: int, ids: Sequence[int], vectors: np.ndarray, storage: str
) -> int:
    """Upsert an owner's vectors the way `embeddings` takes them: staged COPY, then a merge."""
    column_name = "half" if storage == "halfvec" else "vector"
    merge = (
        f"INSERT INTO {scratch.table} (owner_id, item_id, {column_name}) "
        f"SELECT %(owner)s, s.item_id, s.{column_name} FROM vectors_test_in s "
        f"ON CONFLICT (owner_id, item_id) DO UPDATE SET {column_name} = EXCLUDED.{column_name}"
    )
    return copy.copy_staged(
        session,
        "vectors_test_in",
        "item_id int4 NOT NULL, vector vector, half halfvec",
        ("item_id", column_name),
        copy.id_vector_payload(ids, vectors, storage),
        merge,
        {"owner": owner},
    )
