"""`mireru bench search`: vector search in PostgreSQL (HNSW, IVFFlat, exact) against an
in-memory brute-force baseline, on the same vectors, through the same SQL the API runs.

It makes a throwaway project with N items and one embedding space holding N vectors (clustered
random data, or real vectors copied from an existing space), builds each index with the same job
code the product uses (CREATE INDEX CONCURRENTLY, partial, on the cast expression), then times
the search statement of `mireru.search.repository` through plain psycopg ("bare SQL", one
statement per query, scan settings set once per connection) and the whole HTTP route in-process
("API"). Recall@k is measured against exact brute force on the same vectors.
"""

import http.client
import json
import logging
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from mireru.bench import seed
from mireru.bench.report import Report, mean, percentile
from mireru.config import Settings
from mireru.embeddings import building
from mireru.embeddings.repository import SpaceShape
from mireru.items.repository import filter_conditions
from mireru.items.schemas import ItemFilter
from mireru.search.repository import nearest_statement

log = logging.getLogger(__name__)

COLUMNS = [
    "method",
    "setting",
    "clients",
    "filter",
    "build_s",
    "recall@k",
    "rows/k",
    "p50_ms",
    "p99_ms",
    "qps",
]
FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "10%": {"label": seed.TEN_PERCENT_LABEL},
    "1%": {"measurements": {"u": {"lt": 0.01}}},
}


@dataclass
class SearchBench:
    n: int = 100_000
    dim: int = 512
    queries: int = 200
    k: int = 10
    clusters: int = 100
    ef_search: Sequence[int] = (20, 40, 80, 160)
    probes: Sequence[int] = (1, 4, 10, 20)
    m: int = 16
    ef_construction: int = 128
    lists: int | None = None
    clients: Sequence[int] = (1, 8)
    source_space: int | None = None  # where `vectors` came from
    vectors: np.ndarray | None = None  # real vectors (data and queries); None: clustered synthetic
    seed: int = 0
    api: bool = True
    kinds: Sequence[str] = ("hnsw", "ivfflat")
    default_ef_search: int = 64
    notes: list[str] = field(default_factory=list)


# --- data ------------------------------------------------------------------------------------------


def clustered(n: int, dim: int, clusters: int, queries: int, seed_: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around `clusters` random centres, each spread in its own 32-d subspace plus a
    little isotropic noise (real embeddings are anisotropic and clustered); the queries are fresh
    draws from the same mixture, so they are not in the data."""
    rng = np.random.default_rng(seed_)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    bases = rng.standard_normal((clusters, 32, dim)).astype(np.float32) / math.sqrt(dim)

    def draw(count: int) -> np.ndarray:
        which = rng.integers(0, clusters, count)
        out = np.empty((count, dim), dtype=np.float32)
        for start in range(0, count, 20_000):
            sel = which[start : start + 20_000]
            local = rng.standard_normal((len(sel), 32)).astype(np.float32) * 4.0
            spread = np.einsum("nk,nkd->nd", local, bases[sel])
            noise = rng.standard_normal((len(sel), dim)).astype(np.float32) * 0.35
            out[start : start + len(sel)] = centres[sel] + spread + noise
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    return draw(n), draw(queries)


def ground_truth(data: np.ndarray, queries: np.ndarray, k: int, mask: np.ndarray | None) -> np.ndarray:
    """Exact top-k row indices by cosine similarity (the vectors are unit length)."""
    scores = queries @ data.T
    if mask is not None:
        scores[:, ~mask] = -np.inf
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
    top = np.take_along_axis(top, order, axis=1)
    top[~np.isfinite(np.take_along_axis(scores, top, axis=1))] = -1  # fewer than k items match
    return top


# --- timing ----------------------------------------------------------------------------------------


@dataclass
class Timing:
    latencies_ms: list[float]
    wall_s: float
    results: list[list[int]]

    @property
    def qps(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s > 0 else math.nan


def run_clients(work: Callable[[int], tuple[float, list[int]]], count: int, clients: int) -> Timing:
    """Run work(i) for i in range(count) on `clients` threads; each returns (ms, item ids)."""
    latencies: list[float] = [0.0] * count
    results: list[list[int]] = [[] for _ in range(count)]
    barrier = threading.Barrier(clients + 1)

    def worker(offset: int) -> None:
        barrier.wait()
        for i in range(offset, count, clients):
            latencies[i], results[i] = work(i)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        while t.is_alive():
            t.join(0.2)  # a timed join lets Ctrl-C through
    return Timing(latencies, time.perf_counter() - started, results)


def vector_text(v: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in v.tolist()) + "]"


class SqlBench:
    """The search statement, compiled once, run through plain psycopg connections."""

    def __init__(self, engine: Engine, shape: SpaceShape, project_id: int, k: int) -> None:
        self.engine = engine
        self.shape = shape
        self.project_id = project_id
        self.k = k
        self.dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._local = threading.local()

    def statement(self, filters: dict[str, Any], exact: bool) -> tuple[str, dict[str, Any]]:
        conditions = filter_conditions(self.project_id, ItemFilter.model_validate(filters))
        conds = conditions if len(conditions) > 1 else []
        stmt = nearest_statement(self.shape, conds, exclude_item=False, exact=exact)
        stmt = stmt.params(query_vector=np.zeros(self.shape.dimension, dtype=np.float32), k=self.k)
        compiled = stmt.compile(dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True})
        params = {name: bind.value for name, bind in compiled.binds.items()}
        return compiled.string, {**params, "k": self.k}

    def connect(self, settings: dict[str, str]) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.dsn, autocommit=True)
        for name, value in settings.items():
            conn.execute("SELECT set_config(%s, %s, false)", (name, value))
        return conn

    def run(
        self, sql: str, params: dict[str, Any], queries: list[str], clients: int, settings: dict[str, str]
    ) -> Timing:
        conns = [self.connect(settings) for _ in range(clients)]
        lock = threading.Lock()
        owners: dict[int, psycopg.Connection[Any]] = {}

        def conn_for_thread() -> psycopg.Connection[Any]:
            ident = threading.get_ident()
            with lock:
                if ident not in owners:
                    owners[ident] = conns[len(owners)]
                return owners[ident]

        def work(i: int) -> tuple[float, list[int]]:
            conn = conn_for_thread()
            args = {**params, "query_vector": queries[i]}
            started = time.perf_counter()
            rows = conn.execute(sql, args).fetchall()
            return (time.perf_counter() - started) * 1000, [int(r[0]) for r in rows]

        # Warm-up: buffers, plan cache, psycopg's prepared statement.
        for conn in conns:
            for q in queries[: min(8, len(queries))]:
                conn.execute(sql, {**params, "query_vector": q}).fetchall()
        try:
            return run_clients(work, len(queries), clients)
        finally:
            for conn in conns:
                conn.close()


# --- the bench -------------------------------------------------------------------------------------


def _recall(results: list[list[int]], truth: np.ndarray, ids: np.ndarray, k: int) -> tuple[float, float]:
    """(recall@k, rows returned / rows expected) against the exact answer; expected is k, or all
    matching items when fewer than k match the filter."""
    recalls, rows = [], []
    for got, want in zip(results, truth, strict=True):
        expected = {int(ids[i]) for i in want if i >= 0}
        recalls.append(len(expected & set(got)) / max(1, len(expected)))
        rows.append(len(got) / max(1, len(expected)))
    return mean(recalls), mean(rows)


class Runner:
    def __init__(self, cfg: SearchBench, engine: Engine, settings: Settings) -> None:
        self.cfg = cfg
        self.engine = engine
        self.settings = settings
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self.report = Report(
            f"mireru bench search: {cfg.n} x {cfg.dim}, k={cfg.k}, {cfg.queries} queries", COLUMNS
        )

    def add(
        self,
        method: str,
        setting: str,
        clients: int,
        filter_: str,
        timing: Timing | None = None,
        recall: tuple[float, float] | None = None,
        build_s: float | None = None,
    ) -> None:
        row: dict[str, Any] = {
            "method": method,
            "setting": setting,
            "clients": clients,
            "filter": filter_,
            "build_s": None if build_s is None else round(build_s, 1),
        }
        if recall is not None:
            row["recall@k"] = round(recall[0], 4)
            row["rows/k"] = round(recall[1], 3)
        if timing is not None:
            row["p50_ms"] = round(percentile(timing.latencies_ms, 50), 3)
            row["p99_ms"] = round(percentile(timing.latencies_ms, 99), 3)
            row["qps"] = round(timing.qps, 1)
        self.report.rows.append(row)
        log.info("%s", row)

    def run(self) -> Report:
        cfg = self.cfg
        if cfg.vectors is not None:
            vectors = cfg.vectors.astype(np.float32, copy=True)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            rng = np.random.default_rng(cfg.seed)
            rng.shuffle(vectors)
            data, queries = vectors[cfg.queries :], vectors[: cfg.queries]
            self.report.notes.append(
                f"real vectors of space {cfg.source_space}; queries are held-out vectors of it"
            )
        else:
            data, queries = clustered(cfg.n, cfg.dim, cfg.clusters, cfg.queries, cfg.seed)
            self.report.notes.append(
                f"clustered synthetic unit vectors: {cfg.clusters} centres, 32-d spread each, "
                "queries held out"
            )
        n, dim = data.shape
        self.report.title = f"mireru bench search: {n} x {dim}, k={cfg.k}, {len(queries)} queries"
        log.info("seeding %d items and vectors", n)
        project = seed.create_project(self.engine, n, cfg.seed)
        try:
            self._run(project, data, queries)
        finally:
            seed.drop_project(self.engine, project.project_id)
        return self.report

    def _run(self, project: seed.BenchProject, data: np.ndarray, queries: np.ndarray) -> None:
        cfg = self.cfg
        ids = np.asarray(project.item_ids)
        space_id = seed.create_space(self.sessions, project.project_id, data.shape[1])
        started = time.perf_counter()
        seed.write_vectors(self.sessions, space_id, project.item_ids, data)
        self.report.notes.append(f"vectors written with binary COPY in {time.perf_counter() - started:.1f}s")
        masks = {"none": None, "10%": project.ten_percent, "1%": project.u < 0.01}
        truth = {name: ground_truth(data, queries, cfg.k, mask) for name, mask in masks.items()}
        texts = [vector_text(q) for q in queries]
        with Session(self.engine) as session:
            from mireru.models import EmbeddingSpace

            space = session.get(EmbeddingSpace, space_id)
            assert space is not None
            shape = SpaceShape.of(space)
        sql = SqlBench(self.engine, shape, project.project_id, cfg.k)

        self._brute_force(data, queries, truth["none"], ids)
        # Exact search in PostgreSQL (no index can serve `ORDER BY distance + 0`).
        for filter_name in FILTERS:
            statement, params = sql.statement(FILTERS[filter_name], exact=True)
            for clients in cfg.clients if filter_name == "none" else (1,):
                timing = sql.run(statement, params, texts, clients, {})
                self.add(
                    "postgres exact",
                    "-",
                    clients,
                    filter_name,
                    timing,
                    _recall(timing.results, truth[filter_name], ids, cfg.k),
                )

        for kind in cfg.kinds:
            self._index(kind, space_id, project, sql, texts, truth, ids)

    def _brute_force(self, data: np.ndarray, queries: np.ndarray, truth: np.ndarray, ids: np.ndarray) -> None:
        import torch

        matrix = torch.from_numpy(data)
        qs = torch.from_numpy(queries)
        k = self.cfg.k

        def work(i: int) -> tuple[float, list[int]]:
            started = time.perf_counter()
            top = torch.topk(matrix @ qs[i], k).indices
            return (time.perf_counter() - started) * 1000, [int(ids[j]) for j in top]

        for _ in range(3):
            work(0)
        for clients in self.cfg.clients:
            timing = run_clients(work, len(queries), clients)
            self.add(
                "in-memory torch",
                "brute force",
                clients,
                "none",
                timing,
                _recall(timing.results, truth, ids, k),
            )

    def _index(
        self,
        kind: str,
        space_id: int,
        project: seed.BenchProject,
        sql: SqlBench,
        texts: list[str],
        truth: dict[str, np.ndarray],
        ids: np.ndarray,
    ) -> None:
        cfg = self.cfg
        if kind == "hnsw":
            index = {
                "kind": "hnsw",
                "m": cfg.m,
                "ef_construction": cfg.ef_construction,
                "ef_search": cfg.default_ef_search,
            }
        else:
            index = {"kind": "ivfflat", "lists": cfg.lists, "probes": None}
        log.info("building the %s index (CREATE INDEX CONCURRENTLY)", kind)
        started = time.perf_counter()
        result = building.build_index(self.sessions, self.settings, space_id, index, _quiet)
        build_s = time.perf_counter() - started
        params_text = ", ".join(f"{k}={v}" for k, v in result["index"].items() if k != "kind")
        self.add(f"{kind} build", params_text, 1, "-", build_s=build_s)
        with self.engine.connect() as conn:
            size = conn.execute(text("SELECT pg_relation_size(:i)"), {"i": result["index_name"]}).scalar_one()
            buffers = conn.execute(text("SHOW shared_buffers")).scalar_one()
        self.report.notes.append(
            f"{kind} index {result['index_name']}: {size / 2**20:.0f} MiB (shared_buffers {buffers}); "
            "built with CREATE INDEX CONCURRENTLY by the index job's code"
        )
        default = int(result["index"].get("ef_search" if kind == "hnsw" else "probes") or 1)
        sweep = sorted({*(cfg.ef_search if kind == "hnsw" else cfg.probes), default})
        if kind == "ivfflat":
            sweep = [p for p in sweep if p <= int(result["index"]["lists"])]
        statement, params = sql.statement({}, exact=False)
        for value in sweep:
            scan = self._scan_settings(kind, value)
            for clients in cfg.clients:
                timing = sql.run(statement, params, texts, clients, scan)
                name = f"ef_search={value}" if kind == "hnsw" else f"probes={value}"
                self.add(
                    f"{kind} (SQL)",
                    name,
                    clients,
                    "none",
                    timing,
                    _recall(timing.results, truth["none"], ids, cfg.k),
                )
        # Filtered, at the space's default setting: what the bare index scan returns...
        scan = self._scan_settings(kind, default)
        setting = f"ef_search={default}" if kind == "hnsw" else f"probes={default}"
        for filter_name in ("10%", "1%"):
            statement, params = sql.statement(FILTERS[filter_name], exact=False)
            timing = sql.run(statement, params, texts, 1, scan)
            self.add(
                f"{kind} (SQL)",
                setting,
                1,
                filter_name,
                timing,
                _recall(timing.results, truth[filter_name], ids, cfg.k),
            )
        # ...and what the API answers (iterative scan, exact re-ranking when it gives up).
        if cfg.api:
            timings, floor = self._api(project.project_id, texts)
            for filter_name, timing in timings.items():
                self.add(
                    f"{kind} (API)",
                    setting,
                    1,
                    filter_name,
                    timing,
                    _recall(timing.results, truth[filter_name], ids, cfg.k),
                )
            self.add("API floor", "GET /projects/{id}", 1, "-", floor)

    def _scan_settings(self, kind: str, value: int) -> dict[str, str]:
        common = {
            "hnsw.iterative_scan": "relaxed_order",
            "ivfflat.iterative_scan": "relaxed_order",
            "hnsw.max_scan_tuples": str(self.settings.search_max_scan_tuples),
        }
        if kind == "hnsw":
            return {**common, "hnsw.ef_search": str(max(value, self.cfg.k))}
        return {**common, "ivfflat.probes": str(value)}

    def _api(self, project_id: int, texts: list[str]) -> tuple[dict[str, Timing], Timing]:
        """POST /api/v1/projects/{id}/search over HTTP to a real server (uvicorn in its own
        process, as `mireru serve` runs it), one keep-alive connection, for every filter; and
        the platform's floor: GET /api/v1/projects/{id} (auth, session, one query)."""
        url = f"/api/v1/projects/{project_id}/search"
        timings: dict[str, Timing] = {}
        with api_server(self.engine) as port:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

            def call(method: str, path: str, body: bytes | None) -> tuple[float, Any]:
                started = time.perf_counter()
                conn.request(method, path, body=body, headers={"content-type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
                return elapsed, json.loads(payload)

            for name, filters in FILTERS.items():
                bodies = [
                    f'{{"vector": {t}, "k": {self.cfg.k}, "filters": {json.dumps(filters)}}}'.encode()
                    for t in texts
                ]

                def work(i: int, bodies: list[bytes] = bodies) -> tuple[float, list[int]]:
                    elapsed, body = call("POST", url, bodies[i])
                    return elapsed, [r["item_id"] for r in body["results"]]

                for i in range(min(8, len(texts))):
                    work(i)
                timings[name] = run_clients(work, len(texts), 1)

            def floor(i: int) -> tuple[float, list[int]]:
                return call("GET", f"/api/v1/projects/{project_id}", None)[0], []

            floor(0)
            base = run_clients(floor, len(texts), 1)
            conn.close()
        return timings, base


@contextmanager
def api_server(engine: Engine) -> Iterator[int]:
    """The API in a uvicorn subprocess on a free loopback port, against this database."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "MIRERU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MIRERU_REDIS_URL": os.environ.get(
            "MIRERU_REDIS_URL", "redis://127.0.0.1:1/0"
        ),  # never used by search
        "MIRERU_ADMIN_TOKEN": "",
    }
    env.pop("MIRERU_ADMIN_TOKEN")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "mireru.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the API server did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _quiet(done: int, total: int, message: str) -> None:
    """Progress callback that reports nothing."""


def run(settings: Settings, engine: Engine, cfg: SearchBench) -> Report:
    return Runner(cfg, engine, settings).run()
