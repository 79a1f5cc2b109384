"""Per-owner partial expression indexes on a shared table: built for one owner, used by exactly
the queries that compare the index's cast expression under its literal owner predicate."""

import numpy as np
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mireru.vectors import ddl
from mireru.vectors.settings import configure_scan
from tests.vectors.conftest import Scratch, autocommit, write_vectors

OWNER, OTHER, N, DIM, K = 7, 8, 60, 8, 5


def _nearest(
    engine: Engine, scratch: Scratch, column: ddl.VectorColumn, owner: int | None, query: np.ndarray
) -> tuple[list[int], str]:
    """The k nearest item ids, and the plan that found them (sequential scans disabled, so the
    vector index is used whenever the planner can prove it applies)."""
    where = "" if owner is None else f"WHERE owner_id = {owner} "
    sql = (
        f"SELECT item_id FROM {scratch.table} {where}"
        f"ORDER BY {column.expression} {column.operator} CAST(:q AS {column.sql_type}) LIMIT {K}"
    )
    params = {"q": "[" + ",".join(str(float(x)) for x in query) + "]"}
    with Session(engine) as session:
        # Every candidate and every list: on 60 rows the index scan is then exact.
        configure_scan(session, ef_search=N, probes=4)
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.execute(text(f"EXPLAIN {sql}"), params).scalars())
        ids = [int(i) for i in session.execute(text(sql), params).scalars()]
    return ids, plan


def _exact(vectors: np.ndarray, query: np.ndarray, metric: str) -> list[int]:
    if metric == "cosine":
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        distance = 1 - unit @ (query / np.linalg.norm(query))
    elif metric == "l2":
        distance = np.linalg.norm(vectors - query, axis=1)
    else:
        distance = -(vectors @ query)
    return [int(i) + 1 for i in np.argsort(distance, kind="stable")[:K]]


@pytest.mark.parametrize(
    ("kind", "storage", "metric"),
    [
        ("hnsw", "vector", "cosine"),
        ("ivfflat", "vector", "l2"),
        ("hnsw", "halfvec", "ip"),
        ("ivfflat", "halfvec", "cosine"),
    ],
)
def test_an_owners_index_serves_its_nearest_neighbour_queries(
    engine: Engine, scratch: Scratch, kind: str, storage: str, metric: str
) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    if storage == "halfvec":
        vectors = vectors.astype(np.float16).astype(np.float32)  # what the server will compare
    ids = list(range(1, N + 1))
    with Session(engine) as session:
        write_vectors(session, scratch, OWNER, ids, vectors, storage)
        write_vectors(session, scratch, OTHER, ids, -vectors, storage)  # same item ids, far vectors
        session.commit()
    column = ddl.VectorColumn("half" if storage == "halfvec" else "vector", storage, DIM, metric)
    name = scratch.family.name(OWNER, kind, 1)
    params = {"m": 16, "ef_construction": 64} if kind == "hnsw" else {"lists": 4}
    with autocommit(engine) as conn:
        ddl.build_index(
            conn, ddl.index_ddl(scratch.family, OWNER, column, name, kind, params), name, "64MB", 1
        )
        assert ddl.list_indexes(conn, scratch.family) == {name: OWNER}

    query = rng.standard_normal(DIM).astype(np.float32)
    found, plan = _nearest(engine, scratch, column, OWNER, query)
    assert f"Index Scan using {name}" in plan
    assert found == _exact(vectors, query, metric)
    # Another owner's rows, or all owners': the partial index does not apply.
    other, plan = _nearest(engine, scratch, column, OTHER, query)
    assert name not in plan
    assert other == _exact(-vectors, query, metric)
    assert name not in _nearest(engine, scratch, column, None, query)[1]


def test_the_ddl_is_a_concurrent_partial_expression_index() -> None:
    family = ddl.IndexFamily("things", "thing_set_id", "things_set_")
    column = ddl.VectorColumn("vector", "vector", 64, "cosine")
    hnsw = ddl.index_ddl(family, 3, column, family.name(3, "hnsw"), "hnsw", {"m": 8, "ef_construction": 32.0})
    assert hnsw == (
        "CREATE INDEX CONCURRENTLY things_set_3_hnsw ON things USING hnsw "
        "((vector::vector(64)) vector_cosine_ops) WITH (m = 8, ef_construction = 32) WHERE thing_set_id = 3"
    )
    half = ddl.VectorColumn("half", "halfvec", 3000, "l2")
    ivf = ddl.index_ddl(family, 4, half, "n", "ivfflat", {"lists": 10, "probes": 3}, if_not_exists=True)
    assert ivf == (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS n ON things USING ivfflat "
        "((half::halfvec(3000)) halfvec_l2_ops) WITH (lists = 10) WHERE thing_set_id = 4"
    )
    with pytest.raises(ValueError, match="no index to build for 'exact'"):
        ddl.index_ddl(family, 3, column, "n", "exact", {})


def test_pgvector_index_limits() -> None:
    assert ddl.VectorColumn("vector", "vector", 2000).indexable
    assert not ddl.VectorColumn("vector", "vector", 2001).indexable
    assert ddl.VectorColumn("half", "halfvec", 4000).indexable
    assert not ddl.VectorColumn("half", "halfvec", 4001).indexable


def test_index_names_belong_to_their_family_only() -> None:
    versioned = ddl.IndexFamily("t", "owner_id", "t_owner_", versioned=True)
    plain = ddl.IndexFamily("t", "owner_id", "t_owner_", kinds=("hnsw",))
    assert versioned.name(12, "ivfflat", 3) == "t_owner_12_v3_ivfflat"
    assert plain.name(12, "hnsw") == "t_owner_12_hnsw"
    assert versioned.owner_of("t_owner_12_v3_ivfflat") == 12
    assert plain.owner_of("t_owner_12_hnsw") == 12
    for stranger in ("t_owner_12_hnsw", "t_owner_12_v3_exact", "txowner_12_v3_hnsw", "t_owner_x_v3_hnsw"):
        assert versioned.owner_of(stranger) is None, stranger
    for stranger in ("t_owner_12_v3_hnsw", "t_owner_12_ivfflat", "t_owner_12_hnsw_old"):
        assert plain.owner_of(stranger) is None, stranger


def test_a_failed_build_leaves_no_index_and_resets_its_settings(engine: Engine, scratch: Scratch) -> None:
    with Session(engine) as session:
        write_vectors(session, scratch, OWNER, [1], np.ones((1, 4), dtype=np.float32), "vector")
        session.commit()
    column = ddl.VectorColumn("vector", "vector", 3)  # the rows have 4 dimensions: the cast fails
    name = scratch.family.name(OWNER, "hnsw", 1)
    sql = ddl.index_ddl(scratch.family, OWNER, column, name, "hnsw", {"m": 16, "ef_construction": 64})
    with autocommit(engine) as conn:
        before = conn.execute(text("SHOW maintenance_work_mem")).scalar()
        with pytest.raises(DBAPIError, match="expected 3 dimensions"):
            ddl.build_index(conn, sql, name, "77MB", 1, analyze=(scratch.table,))
        assert conn.execute(text("SHOW maintenance_work_mem")).scalar() == before
        left = conn.execute(text("SELECT count(*) FROM pg_class WHERE relname = :n"), {"n": name}).scalar()
        assert left == 0  # not even an invalid one


def test_drop_index_ignores_names_it_cannot_trust(engine: Engine, scratch: Scratch) -> None:
    with autocommit(engine) as conn:
        ddl.drop_index(conn, None)
        ddl.drop_index(conn, f"x; DROP TABLE {scratch.table}")
        ddl.drop_index(conn, "no_such_index")  # IF EXISTS
        assert conn.execute(text(f"SELECT count(*) FROM {scratch.table}")).scalar() == 0
