"""Small labelled projects and tiny runs for the training and registry tests."""

import io
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

COLOURS = {"red": 0, "blue": 2}

# A run that takes a second or two on a CPU: 32 px images, a tiny CNN, a few small batches. The
# kinds' defaults are a pretrained MobileNetV2 with a slow backbone; tests name the tiny CNN,
# trained at the full learning rate, explicitly.
TINY_PARAMS: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 2,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "embedding_dim": 16,
    "temperature": 0.1,
    "num_workers": 0,
    "device": "cpu",
}


def coloured_png(colour: str, seed: int, size: int = 32) -> bytes:
    """A noisy image whose dominant channel is its class, so the task is learnable."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 60, size=(size, size, 3), dtype=np.uint8)
    pixels[..., COLOURS[colour]] += 180
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


Readings = Callable[[str, int], dict[str, float]]


def labelled_project(
    client: TestClient,
    name: str,
    per_class: int = 12,
    val_per_class: int = 4,
    readings: Readings | None = None,
) -> int:
    """A project with `per_class` images of each colour; `val_per_class` of each in split val;
    `readings(colour, i)`, when given, are each image's measurements."""
    pid = int(client.post("/api/v1/projects", json={"name": name}).json()["id"])
    for colour in COLOURS:
        files = [
            ("files", (f"{colour}{i}.png", coloured_png(colour, seed=i * 7 + COLOURS[colour]), "image/png"))
            for i in range(per_class)
        ]
        data = (
            {"measurements": json.dumps([readings(colour, i) for i in range(per_class)])}
            if readings
            else None
        )
        response = client.post(f"/api/v1/projects/{pid}/items", files=files, data=data)
        assert response.status_code == 201, response.text
        ids = [item["id"] for item in response.json()["items"]]
        for split, chosen in (("val", ids[:val_per_class]), ("train", ids[val_per_class:])):
            body = {"item_ids": chosen, "add_labels": [colour], "split": split}
            assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    return pid


def start_run(client: TestClient, pid: int, **params: Any) -> dict[str, Any]:
    body = {"kind": "embedding", "params": {**TINY_PARAMS, **params}, "dataset": {"filters": {}}}
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def get_run(client: TestClient, pid: int, run_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/projects/{pid}/training-runs/{run_id}")
    assert response.status_code == 200, response.text
    run: dict[str, Any] = response.json()
    return run


def wait_for(
    check: Callable[[], Any], timeout: float = 60.0, interval: float = 0.1, what: str = "condition"
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def run_cancelling_after_epoch_one(
    client: TestClient, pid: int, run_id: int, run_jobs: Callable[[], int], timeout: float
) -> None:
    """Work the queue while another thread cancels the run once it has checkpointed epoch 1."""

    def cancel_after_epoch_one() -> None:
        wait_for(
            lambda: (get_run(client, pid, run_id)["checkpoint"] or {}).get("epoch", 0) >= 1, what="epoch 1"
        )
        client.post(f"/api/v1/projects/{pid}/training-runs/{run_id}/cancel")

    helper = threading.Thread(target=cancel_after_epoch_one)
    helper.start()
    run_jobs()
    helper.join(timeout=timeout)


def parse_sse(text: str) -> list[dict[str, str]]:
    """Split an event stream the way EventSource does: blank-line separated fields."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            fields[key] = fields[key] + "\n" + value.lstrip() if key in fields else value.lstrip()
        if fields:
            events.append(fields)
    return events
