"""The `classifier` kind through the platform: a project with labels and measurements trains in a
real RQ worker, registers a model version with its metrics and confusion matrix, and deploys and
rolls back in the classifier slot; a measurement key no item has fails the run with a clear error."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mireru.db import unit_of_work
from mireru.jobs.runtime import runtime
from mireru.models import ModelVersion
from mireru.registry import service as registry
from tests.training.factories import get_run, labelled_project

CLASSIFIER_PARAMS: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 3,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "num_workers": 0,
    "device": "cpu",
    "augmentation": "none",
}


def pressure(colour: str, i: int) -> float:
    """Red parts run hot: a reading that agrees with the label, on a raw scale far from 0."""
    return (1040.0 if colour == "red" else 960.0) + (i % 5)


def measured_project(client: TestClient, name: str, per_class: int = 12, val_per_class: int = 4) -> int:
    """Coloured images labelled by colour, each with a pressure and a humidity reading."""
    return labelled_project(
        client,
        name,
        per_class,
        val_per_class,
        readings=lambda colour, i: {"pressure_hpa": pressure(colour, i), "humidity_pct": 40.0 + i},
    )


def start(client: TestClient, pid: int, **params: Any) -> dict[str, Any]:
    body = {"kind": "classifier", "params": {**CLASSIFIER_PARAMS, **params}, "dataset": {"filters": {}}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def test_the_classifier_kind_is_listed_with_its_parameters(client: TestClient) -> None:
    kinds = client.get("/api/v1/training/kinds").json()
    classifier = next(k for k in kinds if k["kind"] == "classifier")
    assert classifier["produces"] == "prediction"
    props = classifier["params_schema"]["properties"]
    assert props["measurement_keys"]["default"] == []
    assert set(props["class_weighting"]["enum"]) == {"none", "balanced"}
    assert set(props["sampler"]["enum"]) == {"shuffle", "balanced"}
    assert props["augmentation"]["default"] == "inspection"
    pid = int(client.post("/api/v1/projects", json={"name": "cls-params"}).json()["id"])
    bad = {"measurement_keys": ["a", "a"], "class_weighting": "heavy", "dropout": 1.5, "embedding_dim": 8}
    response = client.post(
        f"/api/v1/projects/{pid}/training-runs", json={"kind": "classifier", "params": bad}
    )
    assert response.status_code == 422
    fields = {".".join(f["loc"]) for f in response.json()["error"]["detail"]["fields"]}
    assert {
        "params.measurement_keys",
        "params.class_weighting",
        "params.dropout",
        "params.embedding_dim",
    } <= fields


def test_a_classifier_with_measurements_trains_registers_deploys_and_rolls_back(
    live: TestClient, run_jobs: Callable[[], int]
) -> None:
    pid = measured_project(live, "cls-fusion")
    fused = start(live, pid, measurement_keys=["pressure_hpa", "humidity_pct"], class_weighting="balanced")
    plain = start(live, pid, sampler="balanced", augmentation="inspection")
    assert run_jobs() >= 2

    done = get_run(live, pid, fused["id"])
    assert done["status"] == "succeeded", done.get("error")
    names = {p["name"] for p in done["metric_points"]}
    assert {"val/accuracy", "val/macro_f1", "val/loss", "val/precision/red", "val/recall/blue"} <= names
    assert [p["epoch"] for p in done["metric_points"] if p["name"] == "val/macro_f1"] == [1, 2, 3]
    messages = [line["message"] for line in done["log_tail"]]
    assert any("fused with 2 measurements (pressure_hpa, humidity_pct)" in m for m in messages)
    assert get_run(live, pid, plain["id"])["status"] == "succeeded"

    models = {m["run_id"]: m for m in live.get(f"/api/v1/projects/{pid}/models").json()["models"]}
    version = models[fused["id"]]
    assert (version["kind"], version["produces"], version["deployed"]) == ("classifier", "prediction", False)
    assert version["metrics"]["val/accuracy"] > 0.7  # chance is 0.5
    assert 0.0 <= version["metrics"]["val/macro_f1"] <= 1.0
    model = version["config"]["model"]
    assert model["measurement_keys"] == ["pressure_hpa", "humidity_pct"]
    assert model["measurement_mean"][0] == pytest.approx(1000.0, abs=5.0)  # the training statistics
    assert model["classes"] == ["blue", "red"]
    confusion = model["evaluation"]["confusion_matrix"]
    assert sum(map(sum, confusion)) == 8  # every validation item, [true][predicted]

    # Deploy the fused version, then the image-only one, and roll back to the fused one.
    base = f"/api/v1/projects/{pid}/models"
    first = live.post(f"{base}/{version['id']}/deploy")
    assert first.status_code == 200, first.text
    assert first.json()["deployment"]["slot"] == "classifier"
    second = models[plain["id"]]
    # Replacing is what this test is about; the gate has its own tests (tests/registry).
    replaced = live.post(f"{base}/{second['id']}/deploy", json={"force": True})
    assert replaced.json()["deployed"] is True
    rolled = live.post(f"{base}/{second['id']}/rollback")
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["id"] == version["id"]

    rt = runtime()
    with unit_of_work(rt.sessions) as session:
        deployed = registry.deployed_version(session, pid, "classifier")
        assert deployed is not None
        assert deployed.id == version["id"]
        row = session.get(ModelVersion, version["id"])
        assert row is not None
        predictor = registry.load_model(rt.blobs, row)
    assert predictor.measurement_keys == ["pressure_hpa", "humidity_pct"]
    red = Image.new("RGB", (40, 30), (230, 20, 20))
    top = predictor.predict([red], [{"pressure_hpa": 1041.0, "humidity_pct": 45.0}], top_k=2)[0]
    assert [name for name, _ in top] == ["red", "blue"]


def test_a_measurement_key_no_item_has_is_refused_before_the_run_starts(client: TestClient) -> None:
    pid = measured_project(client, "cls-badkey", per_class=4, val_per_class=1)
    body = {
        "kind": "classifier",
        "params": {**CLASSIFIER_PARAMS, "measurement_keys": ["pressure_hpa", "torque_nm"]},
    }
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "measurement_keys ['torque_nm'] are on none of the selected items" in error["message"]
    assert client.get(f"/api/v1/projects/{pid}/training-runs").json()["total"] == 0
