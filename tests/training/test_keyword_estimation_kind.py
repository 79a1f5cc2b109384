"""The `keywords` kind through the platform: a project whose items carry keywords and an
imported, active word model; a run on a real RQ worker snapshots the keywords' vectors, trains,
registers a version that stores its threshold and vocabulary, and, once deployed, suggests each
item's keywords through the prediction route. Without a word model the run is refused, saying why."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from fastapi.testclient import TestClient
from gensim.models import KeyedVectors
from PIL import Image

from mireru.jobs.runtime import runtime
from mireru.kinds import get_kind
from tests.training.factories import get_run

COLOURS = ("red", "green", "blue")
SETS = [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
WORDS: dict[str, list[float]] = {
    "red": [1.0, 0.0, 0.0, 0.1],
    "green": [0.0, 1.0, 0.0, 0.1],
    "blue": [0.0, 0.0, 1.0, 0.1],
    "crimson": [0.7, 0.0, 0.0, 0.7],
    "paint": [0.1, 0.1, 0.1, 1.0],
}
PARAMS: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 10,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "num_workers": 0,
    "device": "cpu",
    "num_outputs": 4,
}


def _png(channels: tuple[int, ...], seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 50, size=(32, 32, 3), dtype=np.uint8)
    for c in channels:
        pixels[..., c] += 190
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def keyword_project(client: TestClient, name: str, per_set: int = 6, val_per_set: int = 2) -> int:
    """Items tagged with one to three colour keywords; one item of each set also has "teal",
    a keyword the word model does not know."""
    pid = int(client.post("/api/v1/projects", json={"name": name}).json()["id"])
    for s, channels in enumerate(SETS):
        files = [
            ("files", (f"{s}-{i}.png", _png(channels, seed=s * 100 + i), "image/png")) for i in range(per_set)
        ]
        response = client.post(f"/api/v1/projects/{pid}/items", files=files)
        assert response.status_code == 201, response.text
        ids = [item["id"] for item in response.json()["items"]]
        keywords = [COLOURS[c] for c in channels]
        for split, chosen in (("val", ids[:val_per_set]), ("train", ids[val_per_set:])):
            body = {"item_ids": chosen, "add_keywords": keywords, "split": split}
            assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
        body = {"item_ids": ids[-1:], "add_keywords": ["teal"]}
        assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    return pid


def import_words(client: TestClient, pid: int, folder: Path) -> int:
    kv = KeyedVectors(4)
    kv.add_vectors(list(WORDS), np.array(list(WORDS.values()), dtype=np.float32))
    path = folder / "words.txt"
    kv.save_word2vec_format(str(path), binary=False)
    response = client.post(
        f"/api/v1/projects/{pid}/word-models/import",
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"name": "colours"},
    )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def start(client: TestClient, pid: int, **params: Any) -> int:
    body = {"kind": "keywords", "params": {**PARAMS, **params}, "dataset": {"filters": {}}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_keywords_run_trains_registers_and_suggests(
    live: TestClient, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    c = live
    pid = keyword_project(c, "keywords-kind")
    words_id = import_words(c, pid, tmp_path)
    run_jobs()
    assert c.get(f"/api/v1/projects/{pid}/word-models/{words_id}").json()["active"] is True
    run_id = start(c, pid, pairing="hungarian")
    run_jobs()

    done = get_run(c, pid, run_id)
    assert done["status"] == "succeeded", done.get("error")
    assert done["dataset_summary"]["train_items"] == 28
    assert done["dataset_summary"]["val_items"] == 14
    messages = [line["message"] for line in done["log_tail"]]
    assert any("hungarian pairing" in m and "3 keywords with vectors" in m for m in messages), messages
    assert any("1 keywords have no word vector: teal" in m for m in messages), messages
    names = {p["name"] for p in done["metric_points"]}
    assert {"val/f1", "val/threshold", "val/count_error", "val/f1@3"} <= names
    assert done["metrics"]["val/f1"] > 0.7, done["metrics"]

    version_id = int(done["model_version_id"])
    version = c.get(f"/api/v1/projects/{pid}/models/{version_id}").json()
    assert (version["kind"], version["produces"]) == ("keywords", "prediction")

    # The version file stores what inference needs, and loads through the kind.
    model = version["config"]["model"]
    assert (model["num_outputs"], model["dim"], model["words"]) == (4, 4, ["blue", "green", "red"])
    assert model["threshold"] == version["metrics"]["val/threshold"]  # the kept epoch's
    path = runtime().blobs.path(version["file_sha256"])
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    assert bundle["word_vectors"].shape == (3, 4)
    predictor = get_kind("keywords").load_inference(path, "cpu")
    assert predictor.threshold == model["threshold"]

    # Deployed, it suggests an item's keywords from the word table (a varying number of them).
    assert c.post(f"/api/v1/projects/{pid}/models/{version_id}/deploy").status_code == 200
    run_jobs()
    items = c.get(f"/api/v1/projects/{pid}/items", params={"limit": 200}).json()["items"]
    f1s, counts = [], set()
    for item in items:
        answer = c.post(f"/api/v1/projects/{pid}/predict/keywords", data={"item_id": str(item["id"])})
        assert answer.status_code == 200, answer.text
        found = {k["word"] for k in answer.json()["keywords"]}
        truth = set(item["keywords"]) - {"teal"}
        f1s.append(2 * len(found & truth) / (len(found) + len(truth)))
        counts.add(len(found))
    assert sum(f1s) / len(f1s) > 0.7, f1s
    assert len(counts) > 1  # the number of keywords varies per image


def test_keywords_run_without_a_word_model_is_refused_saying_why(live: TestClient) -> None:
    pid = keyword_project(live, "keywords-no-words", per_set=3, val_per_set=1)
    body = {"kind": "keywords", "params": PARAMS, "dataset": {"filters": {}}}
    response = live.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 422, response.text
    assert "no active word model" in response.json()["error"]["message"]
