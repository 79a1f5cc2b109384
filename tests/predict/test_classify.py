"""Classification served from the deployed classifier: one item or an uploaded image, batch
prediction into suggestions, and annotators accepting or rejecting them. Real training jobs."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.training.factories import coloured_png, get_run, labelled_project

CLASSIFIER: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 4,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "num_workers": 0,
    "device": "cpu",
    "augmentation": "none",
}


def train_and_deploy(client: TestClient, pid: int, run_jobs: Callable[[], int], **params: Any) -> int:
    body = {"kind": "classifier", "params": {**CLASSIFIER, **params}}
    run = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert run.status_code == 201, run.text
    run_jobs()
    done = get_run(client, pid, run.json()["id"])
    assert done["status"] == "succeeded", done
    version = int(done["model_version_id"])
    assert client.post(f"/api/v1/projects/{pid}/models/{version}/deploy").status_code == 200
    return version


def test_classify_an_item_and_an_upload(live: TestClient, run_jobs: Callable[[], int]) -> None:
    c = live
    pid = labelled_project(c, "predict-classify")
    url = f"/api/v1/projects/{pid}/predict/classify"
    none_yet = c.post(url, data={"item_id": "1"})
    assert none_yet.status_code == 409
    assert "no deployed classifier" in none_yet.json()["error"]["message"]

    version = train_and_deploy(c, pid, run_jobs)
    items = c.get(f"/api/v1/projects/{pid}/items", params={"label": "red", "limit": 1}).json()["items"]
    answer = c.post(url, data={"item_id": str(items[0]["id"]), "top_k": "2"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["model"]["model_id"] == version
    assert body["item_id"] == items[0]["id"]
    assert [cls["label"] for cls in body["classes"]] == ["red", "blue"]
    assert abs(sum(cls["probability"] for cls in body["classes"]) - 1.0) < 1e-4

    upload = {"file": ("q.png", coloured_png("blue", seed=999), "image/png")}
    from_file = c.post(url, files=upload)
    assert from_file.status_code == 200, from_file.text
    assert from_file.json()["item_id"] is None
    assert from_file.json()["classes"][0]["label"] == "blue"


def test_bad_prediction_requests_say_what_is_wrong(live: TestClient, run_jobs: Callable[[], int]) -> None:
    c = live
    pid = labelled_project(c, "predict-bad-input", per_class=6, val_per_class=2)
    train_and_deploy(c, pid, run_jobs, epochs=1)
    url = f"/api/v1/projects/{pid}/predict/classify"
    png = coloured_png("red", seed=1)
    item = str(c.get(f"/api/v1/projects/{pid}/items", params={"limit": 1}).json()["items"][0]["id"])
    both = c.post(url, data={"item_id": item}, files={"file": ("a.png", png, "image/png")})
    assert both.status_code == 422
    assert "either item_id or an image" in both.json()["error"]["message"]
    assert c.post(url, data={}).status_code == 422
    missing = c.post(url, data={"item_id": "987654"})
    assert missing.status_code == 404
    corrupt = c.post(url, files={"file": ("bad.png", png[:60], "image/png")})
    assert corrupt.status_code in (415, 422)
    assert "bad.png" in corrupt.json()["error"]["message"]
    wrong_readings = c.post(url, data={"item_id": item, "measurements": "{not json"})
    assert wrong_readings.status_code == 422
    wrong_model = c.post(url, data={"item_id": item, "model_id": "987654"})
    assert wrong_model.status_code == 404


def test_batch_prediction_leaves_suggestions_to_accept_or_reject(
    live: TestClient, run_jobs: Callable[[], int]
) -> None:
    c = live
    pid = labelled_project(c, "predict-suggest", per_class=8, val_per_class=2)
    train_and_deploy(c, pid, run_jobs)
    fresh = c.post(
        f"/api/v1/projects/{pid}/items",
        files=[
            ("files", (f"n{i}.png", coloured_png(colour, seed=500 + i), "image/png"))
            for i, colour in enumerate(["red", "blue", "red"])
        ],
    ).json()["items"]
    ids = [item["id"] for item in fresh]
    job = c.post(
        f"/api/v1/projects/{pid}/predict/batch",
        json={"kind": "classifier", "filters": {"annotated": False}, "item_ids": ids, "min_score": 0.0},
    )
    assert job.status_code == 202, job.text
    run_jobs()
    finished = c.get(f"/api/v1/jobs/{job.json()['id']}").json()
    assert finished["status"] == "succeeded", finished
    assert finished["result"]["items"] == 3

    listed = c.get(f"/api/v1/projects/{pid}/suggestions").json()
    assert listed["total"] == 3
    by_item = {s["item_id"]: s for s in listed["suggestions"]}
    assert set(by_item) == set(ids)
    assert [by_item[i]["value"] for i in ids] == ["red", "blue", "red"]

    review = {"accept": [by_item[ids[0]]["id"]], "reject": [by_item[ids[1]]["id"]]}
    done = c.post(f"/api/v1/projects/{pid}/suggestions/review", json=review)
    assert done.status_code == 200, done.text
    assert done.json() == {"accepted": 1, "rejected": 1}
    assert c.get(f"/api/v1/projects/{pid}/items/{ids[0]}").json()["labels"] == ["red"]
    assert c.get(f"/api/v1/projects/{pid}/items/{ids[1]}").json()["labels"] == []
    again = c.post(f"/api/v1/projects/{pid}/suggestions/review", json={"accept": review["accept"]})
    assert again.status_code == 409
    pending = c.get(f"/api/v1/projects/{pid}/suggestions", params={"item_id": ids[2]}).json()
    assert [s["status"] for s in pending["suggestions"]] == ["pending"]
    unknown = c.post(f"/api/v1/projects/{pid}/suggestions/review", json={"reject": [987654]})
    assert unknown.status_code == 404
