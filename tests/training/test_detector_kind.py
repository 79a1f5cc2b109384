"""The `detector` kind through the platform: boxes annotated over the API, a run on a real RQ
worker, a version registered with its mAP, served by its inference class, deployed and rolled
back."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mireru.db import unit_of_work
from mireru.errors import InvalidInput
from mireru.jobs.runtime import runtime
from mireru.kinds import get_kind
from mireru.ml.detect.inference import DetectorPredictor
from mireru.ml.detect.scenes import make_scenes
from mireru.models import ModelVersion
from mireru.registry import service as registry
from tests.training.factories import get_run

TINY_DETECTOR: dict[str, Any] = {
    "model": "tiny",
    "pretrained_backbone": "none",
    "epochs": 3,
    "batch_size": 4,
    "image_size": 96,
    "lr": 5e-3,
    "num_workers": 0,
    "device": "cpu",
}


def boxed_project(
    client: TestClient, folder: Path, name: str, train: int = 12, val: int = 4
) -> tuple[int, Any]:
    """A project of generated scenes whose digits are annotated as boxes through the API."""
    scenes = make_scenes(
        folder, train + val, size=96, digits=(0, 1), objects=(1, 2), object_scale=(0.3, 0.45)
    )
    pid = int(client.post("/api/v1/projects", json={"name": name}).json()["id"])
    files = [("files", (Path(s.path).name, Path(s.path).read_bytes(), "image/png")) for s in scenes.scenes]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 201, response.text
    for i, (item, scene) in enumerate(zip(response.json()["items"], scenes.scenes, strict=True)):
        boxes = [
            {"label": scenes.classes[int(c)], "x": x, "y": y, "w": w, "h": h} for x, y, w, h, c in scene.boxes
        ]
        body = {"boxes": boxes, "split": "val" if i < val else "train"}
        put = client.put(f"/api/v1/projects/{pid}/items/{item['id']}/annotations", json=body)
        assert put.status_code == 200, put.text
    return pid, scenes


def start_detector(client: TestClient, pid: int, **params: Any) -> dict[str, Any]:
    body = {"kind": "detector", "params": {**TINY_DETECTOR, **params}, "dataset": {"filters": {}}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def test_the_detector_kind_is_listed_with_its_parameters(client: TestClient) -> None:
    kinds = {k["kind"]: k for k in client.get("/api/v1/training/kinds").json()}
    detector = kinds["detector"]
    assert detector["produces"] == "prediction"
    props = detector["params_schema"]["properties"]
    assert props["model"]["default"] == "fasterrcnn_mobilenet_v2_fpn"
    assert set(props["model"]["enum"]) >= {"tiny", "retinanet_resnet50_fpn", "ssdlite320_mobilenet_v3_large"}
    assert props["pretrained_backbone"]["default"] == "auto"
    assert props["score_threshold"]["default"] == 0.5

    spec = get_kind("detector")
    assert (spec.min_targets, spec.slot) == (1, "detector")
    params = spec.validate({"model": "tiny", "pretrained_backbone": "IMAGENET1K_V1"})
    assert spec.target(params) == "box"
    assert params.base == "tiny@IMAGENET1K_V1"
    for bad in ({"model": "yolo"}, {"pretrained_backbone": "two words"}, {"score_threshold": 2}):
        with pytest.raises(InvalidInput):
            spec.validate(bad)


def test_a_detector_run_needs_boxes(client: TestClient) -> None:
    pid = int(client.post("/api/v1/projects", json={"name": "no-boxes"}).json()["id"])
    image = Image.new("RGB", (32, 32))
    data = io.BytesIO()
    image.save(data, format="PNG")
    client.post(f"/api/v1/projects/{pid}/items", files=[("files", ("a.png", data.getvalue(), "image/png"))])
    body = {"kind": "detector", "params": TINY_DETECTOR, "dataset": {"filters": {}}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 422
    assert "no items" in response.json()["error"]["message"]


def test_a_detector_trains_from_annotated_boxes_registers_deploys_and_rolls_back(
    live: TestClient, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    pid, scenes = boxed_project(live, tmp_path / "scenes", "detector-run")
    first = start_detector(live, pid)
    assert first["base_model"] == "tiny"
    run_jobs()
    done = get_run(live, pid, first["id"])
    assert done["status"] == "succeeded", done.get("error")
    assert done["dataset_summary"]["train_items"] == 12
    assert done["dataset_summary"]["val_items"] == 4
    assert done["dataset_summary"]["classes"] == 2
    maps = [p for p in done["metric_points"] if p["name"] == "val/map50"]
    assert [p["epoch"] for p in maps] == [1, 2, 3]
    assert any("detector: tiny, 2 box classes" in line["message"] for line in done["log_tail"])

    models = f"/api/v1/projects/{pid}/models"
    version = live.get(f"{models}/{done['model_version_id']}").json()
    assert (version["kind"], version["produces"]) == ("detector", "prediction")
    assert {"val/map50", "val/map"} <= set(version["metrics"])
    assert 0 <= version["metrics"]["val/map"] <= version["metrics"]["val/map50"] <= 1
    assert version["config"]["model"]["classes"] == ["digit-0", "digit-1"]

    rt = runtime()
    with unit_of_work(rt.sessions) as session:
        row = session.get(ModelVersion, version["id"])
        assert row is not None
        predictor = registry.load_model(rt.blobs, row)
    assert isinstance(predictor, DetectorPredictor)
    scene = scenes.scenes[0]
    [found] = predictor.predict([Image.open(scene.path)], score_threshold=0.0, max_detections=5)
    assert 0 < len(found) <= 5
    assert {d["label"] for d in found} <= {"digit-0", "digit-1"}
    assert all(d["x"] + d["w"] <= scene.width + 1e-3 for d in found)

    second = start_detector(live, pid, epochs=1)
    run_jobs()
    v2 = get_run(live, pid, second["id"])["model_version_id"]
    v1 = version["id"]
    deployed = live.post(f"{models}/{v1}/deploy").json()
    assert (deployed["deployed"], deployed["deployment"]["slot"], deployed["deployment"]["status"]) == (
        True,
        "detector",
        "live",
    )
    # Replacing is what this test is about; the gate has its own tests (tests/registry).
    live.post(f"{models}/{v2}/deploy", json={"force": True})
    assert [m["id"] for m in live.get(models).json()["models"] if m["deployed"]] == [v2]
    back = live.post(f"{models}/{v2}/rollback")
    assert back.status_code == 200, back.text
    assert back.json()["id"] == v1
    assert [m["id"] for m in live.get(models).json()["models"] if m["deployed"]] == [v1]
