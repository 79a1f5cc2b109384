"""What one mining round would cost through the platform's serving engine: N vectors in
PostgreSQL (binary COPY), an HNSW index over them, and every vector searched for its top k, one
SQL query each (timed on a sample of queries and scaled to N), next to the in-memory exact search
the miner uses, on the same vectors. This is the measurement behind mining in memory."""

import time

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from mireru.bench import seed
from mireru.bench.search import SqlBench, clustered, vector_text
from mireru.embeddings import repository as spaces_repo
from mireru.embeddings.repository import SpaceShape
from mireru.models import EmbeddingSpace


def pgvector_mining_notes(engine: Engine, n: int, dim: int, k: int = 51, sample: int = 500) -> list[str]:
    import torch

    from mireru.ml.metric.exact_search import ExactSearch

    data, _ = clustered(n, dim, max(2, n // 100), 0, 0)
    project = seed.create_project(engine, n, 0)
    try:
        sessions = sessionmaker(bind=engine, expire_on_commit=False)
        space_id = seed.create_space(sessions, project.project_id, dim)
        started = time.perf_counter()
        seed.write_vectors(sessions, space_id, project.item_ids, data)
        write_s = time.perf_counter() - started
        with Session(engine) as session:
            space = session.get(EmbeddingSpace, space_id)
            assert space is not None
            shape = SpaceShape.of(space)
        name = spaces_repo.index_name(space_id, 1, "hnsw")
        ddl = spaces_repo.index_ddl(shape, name, "hnsw", {"m": 16, "ef_construction": 64})
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            spaces_repo.build_index(conn, ddl, name, "512MB", 1)
            conn.execute(text("ANALYZE embeddings"))
        build_s = time.perf_counter() - started
        sql = SqlBench(engine, shape, project.project_id, k)
        statement, params = sql.statement({}, exact=False)
        picks = np.random.default_rng(0).choice(n, size=min(sample, n), replace=False)
        timing = sql.run(
            statement, params, [vector_text(data[i]) for i in picks], 1, {"hnsw.ef_search": str(k * 2)}
        )
        per_round_s = n / timing.qps
    finally:
        seed.drop_project(engine, project.project_id)

    vectors = torch.from_numpy(data)
    engine_ = ExactSearch()
    engine_.build(vectors[:1000])
    engine_.search(vectors[:100], k)  # warm-up
    started = time.perf_counter()
    engine_.build(vectors)
    engine_.search(vectors, k)
    memory_s = time.perf_counter() - started
    through_sql = write_s + build_s + per_round_s
    return [
        f"one mining round over {n} x {dim} vectors, top {k} each: pgvector HNSW {through_sql:.1f}s "
        f"(COPY {write_s:.1f}s + index build {build_s:.1f}s + {n} queries at {timing.qps:.0f}/s = "
        f"{per_round_s:.1f}s, one client) vs in-memory exact {memory_s:.2f}s on {vectors.device} "
        f"({through_sql / memory_s:.0f}x)"
    ]
