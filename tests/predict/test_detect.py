"""Detection served from the deployed detector, and detect-then-retrieve: detections cut out as
new items, linked to their source and embedded for search. Real training and embedding jobs."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from mireru.ml.detect.scenes import make_scenes
from tests.embeddings.helpers import create_space
from tests.training.factories import get_run

DETECTOR: dict[str, Any] = {
    "model": "tiny",
    "pretrained_backbone": "none",
    "epochs": 3,
    "batch_size": 8,
    "image_size": 96,
    "lr": 3e-3,
    "num_workers": 0,
    "device": "cpu",
}


def _scene_project(client: TestClient, folder: Path) -> tuple[int, list[int]]:
    pid = int(client.post("/api/v1/projects", json={"name": "predict-detect"}).json()["id"])
    scenes = make_scenes(folder, 16, size=96, digits=(0, 1), objects=(1, 2), object_scale=(0.3, 0.45), seed=5)
    ids = []
    for scene in scenes.scenes:
        files = {"files": (Path(scene.path).name, Path(scene.path).read_bytes(), "image/png")}
        item = client.post(f"/api/v1/projects/{pid}/items", files=files).json()["items"][0]
        boxes = [
            {"label": scenes.classes[int(c)], "x": x, "y": y, "w": w, "h": h} for x, y, w, h, c in scene.boxes
        ]
        put = client.put(f"/api/v1/projects/{pid}/items/{item['id']}/annotations", json={"boxes": boxes})
        assert put.status_code == 200, put.text
        ids.append(int(item["id"]))
    return pid, ids


def test_detect_then_crop_into_searchable_items(
    live: TestClient, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    c = live
    pid, ids = _scene_project(c, tmp_path / "scenes")
    run = c.post(f"/api/v1/projects/{pid}/training-runs", json={"kind": "detector", "params": DETECTOR})
    assert run.status_code == 201, run.text
    run_jobs()
    done = get_run(c, pid, run.json()["id"])
    assert done["status"] == "succeeded", done
    version = int(done["model_version_id"])
    assert "val/map50" in done["metrics"]
    assert c.post(f"/api/v1/projects/{pid}/models/{version}/deploy").status_code == 200

    url = f"/api/v1/projects/{pid}/predict/detect"
    found = c.post(url, data={"item_id": str(ids[0]), "score_threshold": "0.0", "max_detections": "5"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["model"]["model_id"] == version
    item = c.get(f"/api/v1/projects/{pid}/items/{ids[0]}").json()
    assert (body["width"], body["height"]) == (item["width"], item["height"])
    assert 1 <= len(body["boxes"]) <= 5
    for box in body["boxes"]:
        assert box["label"] in ("digit-0", "digit-1")
        assert box["x"] >= 0
        assert box["x"] + box["w"] <= item["width"] + 0.5
    assert c.post(url, data={"item_id": str(ids[0]), "score_threshold": "2"}).status_code == 422

    space = create_space(c, pid)  # new items (crops) are embedded into it like uploads
    run_jobs()
    crops = c.post(
        f"/api/v1/projects/{pid}/predict/crops",
        json={"filters": {}, "score_threshold": 0.0, "min_size": 4, "limit": 3},
    )
    assert crops.status_code == 202, crops.text
    run_jobs()
    job = c.get(f"/api/v1/jobs/{crops.json()['id']}").json()
    assert job["status"] == "succeeded", job
    assert job["result"]["items"] == 3
    made = job["result"]["crops"]
    assert made >= 1

    listed = c.get(f"/api/v1/projects/{pid}/items", params={"limit": 500}).json()["items"]
    cut = [item for item in listed if item["source_item_id"] is not None]
    assert len(cut) == made
    assert {item["source_item_id"] for item in cut} <= set(ids[:3])
    first = cut[0]
    assert first["source_box"]["label"] in ("digit-0", "digit-1")
    assert first["source_box"]["model_id"] == version
    assert json.loads(json.dumps(first["metadata"]))["source_item_id"] == first["source_item_id"]

    hits = c.post(f"/api/v1/projects/{pid}/search", json={"item_id": first["id"], "k": 3})
    assert hits.status_code == 200, hits.text
    assert hits.json()["space_id"] == space["id"]
    assert hits.json()["results"][0]["item_id"] == first["id"]  # the crop itself was embedded
