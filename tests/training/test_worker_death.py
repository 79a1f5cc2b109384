"""A worker killed with SIGKILL in the middle of a run: the run does not stay "running" forever.
Another worker's heartbeat reaper notices, queues attempt 2, and attempt 2 resumes from the
last checkpoint (finished steps are not trained again) and finishes. Real `mireru worker`
processes, the real PostgreSQL and Redis."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
from fastapi.testclient import TestClient

from tests.training.factories import get_run, labelled_project, start_run, wait_for


def _worker(services: Any, log: Path, burst: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MIRERU_DATABASE_URL": services.database_url,
        "MIRERU_REDIS_URL": services.redis_url,
        "MIRERU_DATA_DIR": str(services.data_dir),
        "MIRERU_TRAINING_STEP_DELAY_S": "0.4",
        "MIRERU_TRAINING_HEARTBEAT_S": "0.3",
        "MIRERU_TRAINING_PROGRESS_EVERY_S": "0",
        "MIRERU_TRAINING_STALE_AFTER_S": "2",
        "MIRERU_TRAINING_REAP_EVERY_S": "0.5",
    }
    command = [sys.executable, "-m", "mireru.cli", "worker", "--queues", "training"]
    if burst:
        command.append("--burst")
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _kill_tree(worker: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the worker and its work horse, as when the machine or the OOM killer takes them.
    (RQ puts the horse in a process group of its own, so killing the worker's group alone
    would leave the horse running as an orphan that finishes the run by itself.)"""
    children = psutil.Process(worker.pid).children(recursive=True)
    for proc in [*children, psutil.Process(worker.pid)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    psutil.wait_procs(children, timeout=30)
    return [c.pid for c in children]


def test_killed_worker_is_noticed_and_the_retry_resumes_from_the_checkpoint(
    live_no_api_reaper: TestClient, services: Any, tmp_path: Path
) -> None:
    client = live_no_api_reaper
    pid = labelled_project(client, "train-kill")
    run = start_run(client, pid, epochs=4)
    log = tmp_path / "workers.log"

    first = _worker(services, log, burst=True)
    try:
        checkpointed = wait_for(
            lambda: (
                (r := get_run(client, pid, run["id"]))["status"] == "running"
                and (r["checkpoint"] or {}).get("epoch", 0) >= 1
                and r
            ),
            timeout=180,
            interval=0.2,
            what=f"a checkpoint (worker log: {log})",
        )
    finally:
        horses = _kill_tree(first)
    assert checkpointed["attempt"] == 1
    assert horses, "the work horse that trained should have been found and killed"

    # Nobody is left to update the run: it still says "running", with a heartbeat that ages.
    killed = get_run(client, pid, run["id"])
    assert killed["status"] == "running"
    assert killed["progress"]["global_step"] < killed["progress"]["total_steps"]
    checkpoint = killed["checkpoint"]

    second = _worker(services, log, burst=False)
    try:
        done = wait_for(
            lambda: (r := get_run(client, pid, run["id"]))["status"] in ("succeeded", "failed") and r,
            timeout=240,
            interval=0.3,
            what=f"the retried run to finish (worker log: {log})",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)

    assert done["status"] == "succeeded", done["error"]
    assert done["attempt"] == 2
    messages = [
        line["message"]
        for line in client.get(f"/api/v1/projects/{pid}/training-runs/{run['id']}/logs").json()["lines"]
    ]
    assert any("stopped sending heartbeats" in m and "retrying as attempt 2" in m for m in messages)
    assert any(f"resumed from the checkpoint at epoch {checkpoint['epoch']}" in m for m in messages)

    steps = [p for p in done["metric_points"] if p["name"] == "train/loss"]
    # Each step exactly once: attempt 1 up to its checkpoint, attempt 2 only after it.
    assert [p["step"] for p in steps] == list(range(1, done["progress"]["total_steps"] + 1))
    assert {p["attempt"] for p in steps if p["step"] <= checkpoint["global_step"]} == {1}
    assert {p["attempt"] for p in steps if p["step"] > checkpoint["global_step"]} == {2}
    finished_epochs = [p for p in done["metric_points"] if p["name"] == "val/recall@1"]
    assert [(p["epoch"], p["attempt"]) for p in finished_epochs if p["epoch"] <= checkpoint["epoch"]] == [
        (e, 1) for e in range(1, checkpoint["epoch"] + 1)
    ]
    assert min(p["epoch"] for p in done["metric_points"] if p["attempt"] == 2) == checkpoint["epoch"] + 1
    assert client.get(f"/api/v1/projects/{pid}/models").json()["models"][0]["run_id"] == run["id"]


def test_the_worker_parent_loads_training_jobs_without_touching_cuda() -> None:
    code = (
        "from mireru.worker.entrypoint import preload\n"
        "preload()\n"
        "import sys, torch\n"
        "assert 'mireru.training.jobs' in sys.modules\n"
        "assert not torch.cuda.is_initialized(), 'CUDA initialised before the fork'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
