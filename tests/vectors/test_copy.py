"""Binary COPY: what goes in comes back out, through a staged upsert and straight into a table."""

import json

import numpy as np
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from mireru.vectors import copy
from tests.vectors.conftest import Scratch, write_vectors


def _stored(engine: Engine, scratch: Scratch, owner: int, column_name: str) -> dict[int, np.ndarray]:
    # As text: pgvector prints the shortest decimal that reads back as the same float32.
    sql = f"SELECT item_id, {column_name}::text FROM {scratch.table} WHERE owner_id = :o ORDER BY item_id"
    with Session(engine) as session:
        rows = session.execute(text(sql), {"o": owner}).all()
    return {int(item_id): np.asarray(json.loads(value), dtype=np.float32) for item_id, value in rows}


@pytest.mark.parametrize("storage", ["vector", "halfvec"])
def test_a_staged_copy_upserts_only_the_rows_of_its_own_call(
    engine: Engine, scratch: Scratch, storage: str
) -> None:
    rng = np.random.default_rng(1)
    first = rng.standard_normal((5, 6)).astype(np.float32)
    again = rng.standard_normal((3, 6)).astype(np.float32)
    with Session(engine) as session:
        assert write_vectors(session, scratch, 1, [1, 2, 3, 4, 5], first, storage) == 5
        # Same session and connection: the staging table is reused and must start empty.
        assert write_vectors(session, scratch, 1, [3, 4, 6], again, storage) == 3
        session.commit()

    column_name = "half" if storage == "halfvec" else "vector"
    stored = _stored(engine, scratch, 1, column_name)
    expected = {1: first[0], 2: first[1], 3: again[0], 4: again[1], 5: first[4], 6: again[2]}
    assert sorted(stored) == sorted(expected)
    exact = np.float16 if storage == "halfvec" else np.float32  # halfvec keeps half precision
    for item_id, vector in expected.items():
        np.testing.assert_array_equal(stored[item_id], vector.astype(exact).astype(np.float32))


def test_a_direct_copy_stores_every_field_kind(engine: Engine, scratch: Scratch) -> None:
    vectors = [np.array([0.6, 0.8, 0.0], dtype=np.float32), np.array([0.0, -1.0, 0.5], dtype=np.float32)]
    owner = copy.int4(2)
    rows = [
        copy.row(owner, copy.int4(1), copy.text("fatigue_crack"), copy.int8(2**40), copy.vector(vectors[0])),
        copy.row(owner, copy.int4(2), copy.text("疲労"), copy.int8(1), copy.vector(vectors[1])),
    ]
    columns = ("owner_id", "item_id", "word", "count", "vector")
    with Session(engine) as session:
        copy.copy_in(session, scratch.table, columns, copy.payload(rows))
        copy.copy_in(session, scratch.table, columns, copy.payload([]))  # an empty stream is fine
        session.commit()
    with Session(engine) as session:
        found = session.execute(
            text(f"SELECT item_id, word, count, vector::text FROM {scratch.table} ORDER BY item_id")
        ).all()
    assert [tuple(r) for r in found] == [
        (1, "fatigue_crack", 2**40, "[0.6,0.8,0]"),
        (2, "疲労", 1, "[0,-1,0.5]"),
    ]


def test_the_numpy_payload_matches_row_by_row_encoding() -> None:
    vectors = np.random.default_rng(2).standard_normal((4, 5)).astype(np.float32)
    ids = [3, 1, 70_000, 2**31 - 1]
    for storage in ("vector", "halfvec"):
        rows = [copy.row(copy.int4(i), copy.vector(v, storage)) for i, v in zip(ids, vectors, strict=True)]
        assert copy.id_vector_payload(ids, vectors, storage) == copy.payload(rows)
