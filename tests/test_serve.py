"""`mireru serve` end to end: embedded services, migrations, sample, worker, API; Ctrl-C stops
everything it started, and a second start finds the data again."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRERU_")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mireru.cli",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, timeout: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"mireru serve exited early:\n{out[-4000:]}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            body = response.json()
            if response.status_code == 200 and body["workers"]:
                return dict(body)
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    pytest.fail("mireru serve did not become healthy in time")


def _stop(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    return children


@pytest.mark.timeout(600)
def test_serve_runs_the_stack_and_stops_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = _free_port()
    proc = _start(data_dir, port)
    try:
        health = _wait_healthy(proc, port)
        assert health["database"]["pgvector"]  # type: ignore[index]
        projects = httpx.get(f"http://127.0.0.1:{port}/api/v1/projects").json()["projects"]
        assert len(projects) == 1
        assert projects[0]["item_count"] > 200
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        created = httpx.post(f"http://127.0.0.1:{port}/api/v1/projects", json={"name": "kept"})
        assert created.status_code == 201
    finally:
        children = _stop(proc)
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"still running after Ctrl-C: {[p.info if hasattr(p, 'info') else p for p in alive]}"
    # The embedded PostgreSQL runs detached (pg_ctl); it must be stopped too.
    pid_file = data_dir / "services" / "postgres" / "postmaster.pid"
    assert not pid_file.exists()

    proc = _start(data_dir, port)
    try:
        _wait_healthy(proc, port)
        names = sorted(
            p["name"] for p in httpx.get(f"http://127.0.0.1:{port}/api/v1/projects").json()["projects"]
        )
        assert "kept" in names
        assert len(names) == 2
    finally:
        _stop(proc)
