"""The `triplet` kind through the platform: listed with its parameters, a tiny run whose training
beats the untrained network on validation Recall@1 and reports its mining per epoch, a model
version that deploys into the project's search space and is evaluated there, and cancel/resume."""

import io
from collections.abc import Callable
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from tests.embeddings.helpers import run_until_idle
from tests.training.factories import get_run, run_cancelling_after_epoch_one

TRIPLET_PARAMS: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 3,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "embedding_dim": 16,
    "num_workers": 0,
    "device": "cpu",
}
TINTS = {"reddish": 0, "bluish": 2}


def tinted_png(tint: str, seed: int, size: int = 32) -> bytes:
    """A flat image of random brightness with strong noise and a faint tint (its class). Random
    features follow the brightness, so the untrained network confuses the classes; a little
    training finds the tint."""
    rng = np.random.default_rng(seed)
    pixels = np.full((size, size, 3), rng.uniform(0, 220)) + rng.normal(0, 25, (size, size, 3))
    pixels[..., TINTS[tint]] += 12
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def tinted_project(client: TestClient, name: str, per_class: int = 24, val_per_class: int = 8) -> int:
    pid = int(client.post("/api/v1/projects", json={"name": name}).json()["id"])
    for n, tint in enumerate(TINTS):
        ids: list[int] = []
        for start in range(0, per_class, 12):  # uploads take at most 20 files per request
            files = [
                ("files", (f"{tint}{i}.png", tinted_png(tint, 2 * i + n), "image/png"))
                for i in range(start, min(per_class, start + 12))
            ]
            response = client.post(f"/api/v1/projects/{pid}/items", files=files)
            assert response.status_code == 201, response.text
            ids += [item["id"] for item in response.json()["items"]]
        for split, chosen in (("val", ids[:val_per_class]), ("train", ids[val_per_class:])):
            body = {"item_ids": chosen, "add_labels": [tint], "split": split}
            assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    return pid


def start_triplet_run(client: TestClient, pid: int, **params: Any) -> dict[str, Any]:
    body = {"kind": "triplet", "params": {**TRIPLET_PARAMS, **params}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def _points(run: dict[str, Any], name: str) -> list[float]:
    return [p["value"] for p in run["metric_points"] if p["name"] == name]


def test_the_triplet_kind_is_listed_with_its_parameters(client: TestClient) -> None:
    kinds = {k["kind"]: k for k in client.get("/api/v1/training/kinds").json()}
    triplet = kinds["triplet"]
    assert triplet["produces"] == "embedding"
    props = triplet["params_schema"]["properties"]
    assert props["target"]["default"] == "identity_or_label"
    assert props["miner"]["default"] == "exact"
    assert {"margin", "max_triplets_per_query", "semi_hard_share", "embedding_dim", "base_model"} <= set(
        props
    )
    pid = int(client.post("/api/v1/projects", json={"name": "triplet-checks"}).json()["id"])
    bad = client.post(
        f"/api/v1/projects/{pid}/training-runs", json={"kind": "triplet", "params": {"miner": "pgvector"}}
    )
    assert bad.status_code == 422
    assert "params.miner" in {".".join(f["loc"]) for f in bad.json()["error"]["detail"]["fields"]}


def test_a_tiny_triplet_run_learns_deploys_into_search_and_is_evaluated(
    live: TestClient, run_jobs: Callable[[], int]
) -> None:
    c = live
    pid = tinted_project(c, "triplet-e2e")
    run = start_triplet_run(c, pid)
    run_jobs()
    done = get_run(c, pid, run["id"])
    assert done["status"] == "succeeded", done.get("error")

    # Training beats the untrained network (measured before the first step).
    [untrained] = _points(done, "val/untrained_recall@1")
    version_id = done["model_version_id"]
    models = f"/api/v1/projects/{pid}/models"
    version = c.get(f"{models}/{version_id}").json()
    assert version["kind"] == "triplet"
    assert version["metrics"]["val/recall@1"] > untrained
    # Every epoch reports its mining: triplets, violating queries, and its time against training.
    for name in (
        "mining/triplets",
        "mining/violation_share",
        "time/mining_s",
        "time/train_s",
        "time/mining_share",
    ):
        assert len(_points(done, name)) == 3, name
    assert all(0 <= share <= 1 for share in _points(done, "time/mining_share"))
    log = " ".join(line["message"] for line in done["log_tail"])
    assert "exact in-memory search" in log  # the engine, in the run's log
    assert "epoch 1 mining:" in log

    # Deploy: the project is re-embedded with the triplet network and search switches to it.
    assert c.post(f"{models}/{version_id}/deploy").status_code == 200
    run_until_idle(run_jobs)
    spaces = c.get(f"/api/v1/projects/{pid}/spaces").json()["spaces"]
    [active] = [s for s in spaces if s["active"]]
    assert (active["backbone"], active["model"], active["status"]) == (
        "model_version",
        str(version_id),
        "ready",
    )
    assert active["dimension"] == 16
    item = c.get(f"/api/v1/projects/{pid}/items?limit=1").json()["items"][0]["id"]
    hits = c.post(f"/api/v1/projects/{pid}/search", json={"item_id": item, "k": 5}).json()
    assert hits["space_id"] == active["id"]
    assert hits["results"][0]["item_id"] == item

    # Evaluate the deployed space on the validation split: stored onto the version.
    evaluated = c.post(f"/api/v1/projects/{pid}/spaces/{active['id']}/evaluate", json={"splits": ["val"]})
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["items"] == 16
    metrics = c.get(f"{models}/{version_id}").json()["metrics"]
    assert metrics["eval/recall@1"] == evaluated.json()["metrics"]["eval/recall@1"]
    assert "eval/map@r" in metrics


def test_a_triplet_run_cancels_and_resumes_from_its_checkpoint(
    live: TestClient, run_jobs: Callable[[], int], job_env: Callable[..., None]
) -> None:
    job_env(MIRERU_TRAINING_STEP_DELAY_S="0.1")
    pid = tinted_project(live, "triplet-resume", per_class=12, val_per_class=4)
    run = start_triplet_run(live, pid, epochs=3)
    url = f"/api/v1/projects/{pid}/training-runs/{run['id']}"

    run_cancelling_after_epoch_one(live, pid, run["id"], run_jobs, timeout=60)
    assert get_run(live, pid, run["id"])["status"] == "cancelled"

    job_env(MIRERU_TRAINING_STEP_DELAY_S="0")
    assert live.post(f"{url}/resume").status_code == 200
    run_jobs()
    done = get_run(live, pid, run["id"])
    assert done["status"] == "succeeded", done.get("error")
    # The resumed attempt mines again at the start of the epoch it continues.
    attempts = {p["attempt"] for p in done["metric_points"] if p["name"] == "mining/triplets"}
    assert attempts == {1, 2}
    assert done["model_version_id"] is not None
