"""Training runs through real RQ workers on the real Redis: success with metric points and a
model version, the live event stream, cancel, a run that raises, and resume after cancel."""

import io
import json
import threading
from collections.abc import Callable
from typing import Any

import torch
from fastapi.testclient import TestClient
from PIL import Image

from mireru.db import unit_of_work
from mireru.jobs.runtime import runtime
from mireru.models import ModelVersion
from mireru.registry import service as registry
from mireru.storage import BlobStore
from tests.training.factories import (
    get_run,
    labelled_project,
    parse_sse,
    run_cancelling_after_epoch_one,
    start_run,
    wait_for,
)


def test_tiny_run_goes_queued_running_succeeded(
    live: TestClient, run_jobs: Callable[[], int], job_env: Callable[..., None]
) -> None:
    job_env(MIRERU_TRAINING_STEP_DELAY_S="0.05")
    pid = labelled_project(live, "train-ok")
    run = start_run(live, pid, epochs=3)
    assert run["status"] == "queued"
    assert run["params"]["epochs"] == 3
    assert run["params"]["optimizer"] == "adamw"  # defaults filled in
    assert run["base_model"] == "tiny-cnn"

    seen: list[str] = []
    stream_text: list[str] = []

    def follow() -> None:
        with live.stream("GET", f"/api/v1/projects/{pid}/training-runs/{run['id']}/events") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for chunk in response.iter_text():
                stream_text.append(chunk)
                for event in parse_sse(chunk):
                    if event.get("event") == "status":
                        seen.append(json.loads(event["data"])["status"])

    follower = threading.Thread(target=follow)
    follower.start()
    wait_for(lambda: seen, what="the first status event")
    assert run_jobs() >= 1
    follower.join(timeout=30)
    assert not follower.is_alive()
    assert seen[0] == "queued"
    assert "running" in seen
    assert seen[-1] == "succeeded"
    assert "event: end" in "".join(stream_text)

    done = get_run(live, pid, run["id"])
    assert done["status"] == "succeeded"
    assert done["device"] == "cpu"
    assert done["amp"] == "off"
    assert done["progress"]["fraction"] == 1.0
    assert done["progress"]["epoch"] == 3
    assert done["progress"]["items_per_s"] > 0
    assert done["dataset_summary"]["train_items"] == 16
    assert done["dataset_summary"]["val_items"] == 8
    steps_per_epoch = done["progress"]["steps_per_epoch"]
    losses = [p for p in done["metric_points"] if p["name"] == "train/loss"]
    assert [p["step"] for p in losses] == list(range(1, 3 * steps_per_epoch + 1))
    recalls = [p for p in done["metric_points"] if p["name"] == "val/recall@1"]
    assert [p["epoch"] for p in recalls] == [1, 2, 3]
    assert {"train/epoch_loss", "val/loss", "lr"} <= {p["name"] for p in done["metric_points"]}
    assert done["checkpoint"]["epoch"] == 3
    messages = [line["message"] for line in done["log_tail"]]
    assert any(m.startswith("epoch 3/3") for m in messages)
    assert any("registered model version 1" in m for m in messages)
    assert live.get(f"/api/v1/jobs/{done['job_id']}").json()["status"] == "succeeded"

    # The model version: listed with its run, kind and metrics, downloadable, and it embeds.
    models = live.get(f"/api/v1/projects/{pid}/models").json()["models"]
    assert len(models) == 1
    version = models[0]
    assert done["model_version_id"] == version["id"]
    assert (version["run_id"], version["kind"], version["produces"], version["deployed"]) == (
        run["id"],
        "embedding",
        "embedding",
        False,
    )
    assert set(version["metrics"]) >= {"val/recall@1", "val/loss"}
    assert version["config"]["params"]["epochs"] == 3
    download = live.get(version["download_url"])
    assert download.status_code == 200
    bundle = torch.load(io.BytesIO(download.content), weights_only=True)
    assert bundle["kind"] == "embedding"
    assert bundle["config"]["classes"] == ["blue", "red"]

    rt = runtime()
    with unit_of_work(rt.sessions) as session:
        row = session.get(ModelVersion, version["id"])
        assert row is not None
        embedder = registry.load_model(rt.blobs, row)
    vectors = embedder.predict_images([Image.new("RGB", (40, 30), (200, 10, 10))] * 2)
    assert vectors.shape == (2, 16)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4


def test_cancel_stops_within_a_step_and_keeps_the_checkpoint(
    live: TestClient, run_jobs: Callable[[], int], job_env: Callable[..., None]
) -> None:
    job_env(MIRERU_TRAINING_STEP_DELAY_S="0.3")
    pid = labelled_project(live, "train-cancel")
    run = start_run(live, pid, epochs=20, checkpoint_every_steps=2)
    url = f"/api/v1/projects/{pid}/training-runs/{run['id']}"
    at_cancel: dict[str, Any] = {}

    def cancel_when_going() -> None:
        current = wait_for(
            lambda: (r := get_run(live, pid, run["id"]))["progress"].get("global_step", 0) >= 3 and r,
            what="three steps",
        )
        response = live.post(f"{url}/cancel")
        assert response.status_code == 200, response.text
        at_cancel.update(step=current["progress"]["global_step"], body=response.json())

    helper = threading.Thread(target=cancel_when_going)
    helper.start()
    run_jobs()
    helper.join(timeout=30)
    assert at_cancel["body"]["cancel_requested"] is True

    done = get_run(live, pid, run["id"])
    assert done["status"] == "cancelled"
    assert done["model_version_id"] is None
    # The loop checks the flag after every step: at most the step in flight (plus the one that
    # may have ended between our read of the progress and the cancel request) runs after it.
    assert done["checkpoint"]["reason"] == "stop"
    assert done["checkpoint"]["global_step"] <= at_cancel["step"] + 2
    assert done["progress"]["global_step"] == done["checkpoint"]["global_step"]
    assert done["progress"]["epoch"] < 20
    assert any("cancelled after" in line["message"] for line in done["log_tail"])
    assert live.get(f"/api/v1/jobs/{done['job_id']}").json()["status"] == "cancelled"
    assert live.get(f"/api/v1/projects/{pid}/models").json()["total"] == 0
    assert live.post(f"{url}/cancel").status_code == 409


def test_cancel_a_queued_run_at_once(live: TestClient, run_jobs: Callable[[], int]) -> None:
    pid = labelled_project(live, "train-cancel-queued", per_class=4, val_per_class=1)
    run = start_run(live, pid)
    response = live.post(f"/api/v1/projects/{pid}/training-runs/{run['id']}/cancel")
    assert response.json()["status"] == "cancelled"
    run_jobs()
    done = get_run(live, pid, run["id"])
    assert done["status"] == "cancelled"
    assert done["started_at"] is None
    assert done["metric_points"] == []


def test_a_run_that_raises_ends_failed_with_its_error(
    live: TestClient, run_jobs: Callable[[], int], services: Any
) -> None:
    pid = labelled_project(live, "train-fail", per_class=4, val_per_class=1)
    items = live.get(f"/api/v1/projects/{pid}/items", params={"limit": 100}).json()["items"]
    # One image file goes missing from the blob store: loading it raises inside the loop.
    BlobStore(services.data_dir / "blobs").path(items[0]["sha256"]).unlink()
    run = start_run(live, pid, batch_size=2)
    run_jobs()
    done = get_run(live, pid, run["id"])
    assert done["status"] == "failed"
    assert done["error"].startswith("FileNotFoundError")
    errors = [line for line in done["log_tail"] if line["level"] == "error"]
    assert errors
    assert "FileNotFoundError" in errors[0]["message"]
    assert live.get(f"/api/v1/jobs/{done['job_id']}").json()["status"] == "failed"
    assert live.get(f"/api/v1/projects/{pid}/models").json()["total"] == 0


def test_resume_a_cancelled_run_continues_from_its_checkpoint(
    live: TestClient, run_jobs: Callable[[], int], job_env: Callable[..., None]
) -> None:
    job_env(MIRERU_TRAINING_STEP_DELAY_S="0.2")
    pid = labelled_project(live, "train-resume")
    run = start_run(live, pid, epochs=4)
    url = f"/api/v1/projects/{pid}/training-runs/{run['id']}"

    run_cancelling_after_epoch_one(live, pid, run["id"], run_jobs, timeout=30)
    cancelled = get_run(live, pid, run["id"])
    assert cancelled["status"] == "cancelled"
    stopped_at = cancelled["checkpoint"]["global_step"]

    job_env(MIRERU_TRAINING_STEP_DELAY_S="0")
    resumed = live.post(f"{url}/resume").json()
    assert (resumed["status"], resumed["attempt"]) == ("queued", 2)
    run_jobs()
    done = get_run(live, pid, run["id"])
    assert done["status"] == "succeeded"
    steps = [p for p in done["metric_points"] if p["name"] == "train/loss"]
    total = done["progress"]["total_steps"]
    # Every step once: attempt 1 up to the checkpoint, attempt 2 from the step after it.
    assert [p["step"] for p in steps] == list(range(1, total + 1))
    assert {p["attempt"] for p in steps if p["step"] <= stopped_at} == {1}
    assert {p["attempt"] for p in steps if p["step"] > stopped_at} == {2}
    assert any("resumed from the checkpoint" in line["message"] for line in done["log_tail"])
