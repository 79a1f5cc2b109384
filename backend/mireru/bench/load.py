"""`mireru bench load`: concurrent clients against a running API for a bounded time — searches,
uploads, annotation writes and listings on a large project while a training run is active — and
per-route throughput, p50/p99 latency and error counts.

The large project is synthetic: rows are inserted in bulk (its items share real thumbnails but
their originals are not stored, so the bench never downloads them) and its vectors are clustered
random data indexed with HNSW by the platform's own index builder. The API runs in its own
process (`mireru serve`), as it does for users; the clients run here, in threads with keep-alive
connections.
"""

import http.client
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from mireru.bench.report import Report, percentile
from mireru.bench.search import clustered
from mireru.config import Settings
from mireru.db import unit_of_work
from mireru.embeddings import building
from mireru.embeddings.repository import SpaceShape, write_vectors
from mireru.models import EmbeddingSpace, Project
from mireru.storage import BlobStore

COLUMNS = ["route", "requests", "errors", "req_per_s", "p50_ms", "p99_ms"]
LABELS = 10


@dataclass
class LoadBench:
    items: int = 100_000
    dim: int = 512
    clients: int = 16
    seconds: float = 30.0
    k: int = 10
    training: bool = True
    url: str | None = None
    keep: bool = False
    seed: int = 7


@dataclass
class RouteStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)


def _png(seed: int, size: int = 32) -> bytes:
    rng = np.random.default_rng(seed)
    out = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(out, format="PNG")
    return out.getvalue()


# --- the large synthetic project ------------------------------------------------------------------


def seed_project(
    engine: Engine, settings: Settings, cfg: LoadBench, log: Callable[[str], None]
) -> tuple[int, int]:
    """A project with `cfg.items` items (labels, metadata, readings) and an active HNSW space."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    blobs = BlobStore(settings.blob_dir)
    thumbs = [blobs.put(_png(i))[0] for i in range(8)]
    started = time.perf_counter()
    with unit_of_work(sessions) as session:
        project = Project(name=f"bench-load-{uuid.uuid4().hex[:8]}", description="mireru bench load")
        session.add(project)
        session.flush()
        pid = project.id
        session.execute(
            text(
                "INSERT INTO items (project_id, sha256, thumb_sha256, filename, media_type, width, height,"
                " size_bytes, metadata, measurements, split) "
                "SELECT :pid, encode(sha256(convert_to(:salt || i::text, 'UTF8')), 'hex'),"
                " (CAST(:thumbs AS text[]))[1 + i % 8], 'synthetic-' || i || '.png', 'image/png',"
                " 32, 32, 100,"
                " jsonb_build_object('camera', chr(65 + i % 4)),"
                " jsonb_build_object('strain', (i % 1000) / 1000.0),"
                " (ARRAY['train','train','train','val','test'])[1 + i % 5] "
                "FROM generate_series(1, :n) AS i"
            ),
            {"pid": pid, "salt": uuid.uuid4().hex, "thumbs": thumbs, "n": cfg.items},
        )
        session.execute(
            text(
                "INSERT INTO label_classes (project_id, name) "
                "SELECT :pid, 'class-' || c FROM generate_series(0, :l) c"
            ),
            {"pid": pid, "l": LABELS - 1},
        )
        session.execute(
            text(
                "INSERT INTO item_labels (item_id, label_class_id, project_id) "
                "SELECT i.id, l.id, :pid FROM items i JOIN label_classes l ON l.project_id = :pid "
                "AND l.name = 'class-' || (i.id % :labels) WHERE i.project_id = :pid"
            ),
            {"pid": pid, "labels": LABELS},
        )
        space = EmbeddingSpace(
            project_id=pid,
            name="bench vectors",
            backbone="torchvision",
            model="bench:clustered-random",
            dimension=cfg.dim,
            metric="cosine",
            storage="vector",
            index_kind="hnsw",
            index_params={"m": 16, "ef_construction": 64, "ef_search": 40},
            status="indexing",
            is_active=True,
        )
        session.add(space)
        session.flush()
        space_id = space.id
        shape = SpaceShape.of(space)
        ids = list(
            session.scalars(text("SELECT id FROM items WHERE project_id = :pid ORDER BY id"), {"pid": pid})
        )
    log(f"inserted {cfg.items} items in {time.perf_counter() - started:.1f}s")
    vectors, _ = clustered(len(ids), cfg.dim, clusters=max(8, len(ids) // 1000), queries=1, seed_=cfg.seed)
    started = time.perf_counter()
    for start in range(0, len(ids), 10_000):
        with unit_of_work(sessions) as session:
            write_vectors(session, shape, ids[start : start + 10_000], vectors[start : start + 10_000])
    log(f"stored {len(ids)} vectors in {time.perf_counter() - started:.1f}s; building the HNSW index")
    started = time.perf_counter()
    building.build_index(sessions, settings, space_id, None, _quiet)
    log(f"built the index in {time.perf_counter() - started:.1f}s")
    return pid, space_id


def _quiet(_done: int, _total: int, _message: str) -> None:
    """Index-build progress is not shown: the bench logs the build's duration instead."""


# --- the API under test ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def api_server(database_url: str, redis_url: str, data_dir: str) -> Iterator[str]:
    """`mireru serve` (API + one worker) in its own process on a free port."""
    port = _free_port()
    env = dict(
        os.environ, MIRERU_DATABASE_URL=database_url, MIRERU_REDIS_URL=redis_url, MIRERU_DATA_DIR=data_dir
    )
    log_file = tempfile.TemporaryFile()  # noqa: SIM115  # closed in the finally below
    proc = subprocess.Popen(
        [sys.executable, "-m", "mireru.cli", "serve", "--no-sample", "--port", str(port)],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log_file.seek(0)
                raise RuntimeError(f"mireru serve exited: {log_file.read().decode()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(2)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()


class Client:
    """One keep-alive HTTP connection; returns (status, body, milliseconds)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port or 80)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(
        self, method: str, path: str, body: bytes | None = None, ctype: str | None = None
    ) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        if ctype:
            headers["Content-Type"] = ctype
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, data, (time.perf_counter() - started) * 1000
            except (OSError, http.client.HTTPException):
                # The server closes idle keep-alive connections: reconnect once, then count an error.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    break
        return 599, b"connection failed", (time.perf_counter() - started) * 1000

    def json(self, method: str, path: str, payload: Any) -> tuple[int, bytes, float]:
        return self.call(method, path, json.dumps(payload).encode(), "application/json")


def _multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def start_training(client: Client) -> tuple[int, int] | None:
    """A small project whose long training run stays active during the load."""
    status, body, _ = client.json(
        "POST", "/api/v1/projects", {"name": f"bench-load-train-{uuid.uuid4().hex[:8]}"}
    )
    if status != 201:
        return None
    pid = json.loads(body)["id"]
    for i in range(16):
        payload, ctype = _multipart(f"t{i}.png", _png(1000 + i))
        status, body, _ = client.call("POST", f"/api/v1/projects/{pid}/items", payload, ctype)
        item = json.loads(body)["items"][0]["id"]
        client.json(
            "PATCH",
            f"/api/v1/projects/{pid}/items/{item}/annotations",
            {"labels": [f"c{i % 2}"], "split": "val" if i % 4 == 0 else "train"},
        )
    status, body, _ = client.json(
        "POST",
        f"/api/v1/projects/{pid}/training-runs",
        {
            "kind": "embedding",
            "params": {
                "base_model": "tiny-cnn",  # a steady background load, not a model worth keeping
                "backbone_lr_scale": 1.0,
                "epochs": 1000,
                "batch_size": 4,
                "image_size": 32,
            },
            "dataset": {"filters": {}},
        },
    )
    return (pid, json.loads(body)["id"]) if status in (200, 201, 202) else None


# --- the load ------------------------------------------------------------------------------------


def run_load(
    base: str, project: int, item_ids: list[int], cfg: LoadBench, token: str | None
) -> dict[str, RouteStats]:
    stats: dict[str, RouteStats] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + cfg.seconds
    ops: list[tuple[str, float]] = [
        ("search by item", 0.45),
        ("search with filter", 0.15),
        ("annotation write", 0.2),
        ("upload", 0.1),
        ("list items", 0.1),
    ]
    names, weights = zip(*ops, strict=True)

    def record(route: str, status: int, ms: float, body: bytes) -> None:
        with lock:
            s = stats.setdefault(route, RouteStats())
            s.latencies_ms.append(ms)
            if status >= 400:
                s.errors += 1
                if len(s.samples) < 3:
                    s.samples.append(f"{status} {body[:200]!r}")

    def worker(index: int) -> None:
        rng = random.Random(cfg.seed * 1000 + index)
        client = Client(base, token)
        uploads = 0
        while time.monotonic() < deadline:
            route = rng.choices(names, weights)[0]
            item = rng.choice(item_ids)
            if route == "search by item":
                status, body, ms = client.json(
                    "POST", f"/api/v1/projects/{project}/search", {"item_id": item, "k": cfg.k}
                )
            elif route == "search with filter":
                flt = {"label": f"class-{rng.randrange(LABELS)}", "split": "train"}
                status, body, ms = client.json(
                    "POST",
                    f"/api/v1/projects/{project}/search",
                    {"item_id": item, "k": cfg.k, "filters": flt},
                )
            elif route == "annotation write":
                status, body, ms = client.json(
                    "PATCH",
                    f"/api/v1/projects/{project}/items/{item}/annotations",
                    {"add_keywords": [f"kw{rng.randrange(50)}"]},
                )
            elif route == "upload":
                uploads += 1
                payload, ctype = _multipart(
                    f"load-{index}-{uploads}.png", _png(10_000_000 + index * 100_000 + uploads)
                )
                status, body, ms = client.call("POST", f"/api/v1/projects/{project}/items", payload, ctype)
            else:
                offset = rng.randrange(0, max(1, len(item_ids) - 50))
                status, body, ms = client.call(
                    "GET", f"/api/v1/projects/{project}/items?limit=50&offset={offset}"
                )
            record(route, status, ms, body)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(cfg.clients)]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.5)
    return stats


def run(
    settings: Settings, engine: Engine, redis_url: str, cfg: LoadBench, log: Callable[[str], None]
) -> Report:
    project, _space = seed_project(engine, settings, cfg, log)
    with Session(engine) as session:
        ids = list(session.scalars(text("SELECT id FROM items WHERE project_id = :p"), {"p": project}))
    token = settings.admin_token
    report = Report(
        f"mireru bench load: {cfg.clients} clients for {cfg.seconds:.0f}s on {cfg.items} items", COLUMNS
    )
    server = (
        api_server(engine.url.render_as_string(hide_password=False), redis_url, str(settings.data_dir))
        if cfg.url is None
        else None
    )
    try:
        base = server.__enter__() if server is not None else str(cfg.url)
        client = Client(base, token)
        training = start_training(client) if cfg.training else None
        if training is not None:
            log(f"training run {training[1]} is running in project {training[0]} during the load")
        started = time.perf_counter()
        stats = run_load(base, project, ids, cfg, token)
        wall = time.perf_counter() - started
        if training is not None:
            status, body, _ = client.call(
                "GET", f"/api/v1/projects/{training[0]}/training-runs/{training[1]}"
            )
            state = json.loads(body).get("status") if status == 200 else f"HTTP {status}"
            report.notes.append(f"training run during the load: {state} (cancelled afterwards)")
            client.call("POST", f"/api/v1/projects/{training[0]}/training-runs/{training[1]}/cancel")
            if not cfg.keep:
                client.call("DELETE", f"/api/v1/projects/{training[0]}")
        total, errors = 0, 0
        everything: list[float] = []
        for route in sorted(stats):
            s = stats[route]
            total += len(s.latencies_ms)
            errors += s.errors
            everything += s.latencies_ms
            report.add(
                route=route,
                requests=len(s.latencies_ms),
                errors=s.errors,
                req_per_s=len(s.latencies_ms) / wall,
                p50_ms=percentile(s.latencies_ms, 50),
                p99_ms=percentile(s.latencies_ms, 99),
            )
            report.notes += [f"{route}: {sample}" for sample in s.samples]
        report.add(
            route="all",
            requests=total,
            errors=errors,
            req_per_s=total / wall,
            p50_ms=percentile(everything, 50),
            p99_ms=percentile(everything, 99),
        )
    finally:
        if server is not None:
            server.__exit__(None, None, None)
        if not cfg.keep:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM projects WHERE id = :p"), {"p": project})
    return report
