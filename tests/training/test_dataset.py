"""The dataset snapshot for every target: single-valued classes, keywords, boxes, identity-or-label,
and the extras (size, readings) each example carries."""

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.training.dataset import Snapshot, resolve
from mireru.training.schemas import DatasetSelection
from tests.training.factories import coloured_png


def _project(client: TestClient) -> tuple[int, list[int]]:
    pid = int(client.post("/api/v1/projects", json={"name": "snapshot"}).json()["id"])
    files = [("files", (f"i{i}.png", coloured_png("red", seed=i), "image/png")) for i in range(4)]
    readings = json.dumps([{"temp": 20.0 + i} for i in range(4)])
    response = client.post(f"/api/v1/projects/{pid}/items", files=files, data={"measurements": readings})
    assert response.status_code == 201, response.text
    return pid, [item["id"] for item in response.json()["items"]]


def _annotate(client: TestClient, pid: int, item_id: int, **body: object) -> None:
    response = client.put(f"/api/v1/projects/{pid}/items/{item_id}/annotations", json=body)
    assert response.status_code == 200, response.text


def test_keyword_target_keeps_every_keyword_of_an_item(client: TestClient, db: Session) -> None:
    pid, ids = _project(client)
    _annotate(client, pid, ids[0], keywords=["crack", "rust"], split="train")
    _annotate(client, pid, ids[1], keywords=["crack"], split="val")
    selection = DatasetSelection(val_fraction=0)
    snapshot = resolve(db, pid, selection, "keyword", seed=0)
    assert snapshot.classes == ["crack", "rust"]
    ((item_id, _, index, extra),) = snapshot.train
    assert (item_id, index, extra["keywords"]) == (ids[0], -1, ["crack", "rust"])
    assert extra["measurements"] == {"temp": 20.0}
    assert (extra["width"], extra["height"]) == (32, 32)
    assert [row[3]["keywords"] for row in snapshot.val] == [["crack"]]
    assert snapshot.skipped_multi == 0


def test_box_target_gives_boxes_with_class_indexes(client: TestClient, db: Session) -> None:
    pid, ids = _project(client)
    boxes = [
        {"label": "person", "x": 1, "y": 2, "w": 10, "h": 12},
        {"label": "car", "x": 5, "y": 5, "w": 4, "h": 4},
    ]
    _annotate(client, pid, ids[0], boxes=boxes)
    _annotate(client, pid, ids[1], labels=["ignored"])
    snapshot = resolve(db, pid, DatasetSelection(val_fraction=0), "box", seed=0)
    assert snapshot.classes == ["car", "person"]
    assert [row[0] for row in snapshot.train] == [ids[0]]
    assert snapshot.train[0][3]["boxes"] == [[1.0, 2.0, 10.0, 12.0, 1], [5.0, 5.0, 4.0, 4.0, 0]]
    data = snapshot.training_data(lambda sha: f"/blobs/{sha}")
    assert data.train_extras[0]["boxes"][0][4] == 1
    assert data.train[0][1] == -1


def test_identity_or_label_prefers_the_identity(client: TestClient, db: Session) -> None:
    pid, ids = _project(client)
    _annotate(client, pid, ids[0], identity="bob", labels=["person"])
    _annotate(client, pid, ids[1], labels=["person"])
    _annotate(client, pid, ids[2], labels=["person", "car"])  # ambiguous: left out
    snapshot = resolve(db, pid, DatasetSelection(val_fraction=0), "identity_or_label", seed=0)
    assert snapshot.classes == ["identity:bob", "label:person"]
    assert [(row[0], row[2]) for row in snapshot.train] == [(ids[0], 0), (ids[1], 1)]
    assert snapshot.skipped_multi == 1


def test_snapshots_round_trip_and_old_ones_still_load() -> None:
    snapshot = Snapshot(classes=["a"], train=[(1, "s", 0, {"width": 3})], val=[], word_vectors={"a": [1.0]})
    again = Snapshot.from_json(snapshot.to_json())
    assert again == snapshot
    old = {"format": "mireru.dataset/1", "classes": ["a"], "train": [[1, "s", 0]], "val": []}
    loaded = Snapshot.from_json(json.dumps(old).encode())
    assert loaded.train == [(1, "s", 0, {})]
    assert loaded.word_vectors is None
