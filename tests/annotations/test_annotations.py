"""Annotations: labels, keywords, identity, split and boxes; label classes; bulk changes."""

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.images import image_bytes


@pytest.fixture
def item(client: TestClient) -> tuple[int, int]:
    pid = int(client.post("/api/v1/projects", json={"name": "Annotate"}).json()["id"])
    body = client.post(
        f"/api/v1/projects/{pid}/items", files=[("files", ("scene.png", image_bytes(200, 100), "image/png"))]
    ).json()
    return pid, int(body["items"][0]["id"])


def test_put_sets_everything_and_replaces(client: TestClient, item: tuple[int, int]) -> None:
    pid, iid = item
    url = f"/api/v1/projects/{pid}/items/{iid}/annotations"
    first = client.put(
        url,
        json={
            "labels": ["crack", "rust"],
            "keywords": ["fatigue crack", "weld", "weld", "  "],
            "identity": "girder-7",
            "split": "train",
            "boxes": [
                {"label": "crack", "x": 10, "y": 5, "w": 50, "h": 20},
                {"label": "bolt", "x": 0, "y": 0, "w": 200, "h": 100},
            ],
        },
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["labels"] == ["crack", "rust"]
    assert body["keywords"] == ["fatigue crack", "weld"]
    assert body["identity"] == "girder-7"
    assert body["split"] == "train"
    assert [(b["label"], b["x"], b["w"]) for b in body["boxes"]] == [("crack", 10, 50), ("bolt", 0, 200)]

    # Label classes were created on first use, boxes' classes included.
    classes = {c["name"]: c["item_count"] for c in client.get(f"/api/v1/projects/{pid}/labels").json()}
    assert classes == {"bolt": 0, "crack": 1, "rust": 1}

    second = client.put(url, json={"labels": ["ok"]}).json()
    assert second["labels"] == ["ok"]
    assert second["keywords"] == []
    assert second["boxes"] == []
    assert second["identity"] is None
    assert second["split"] is None


def test_patch_changes_only_given_fields(client: TestClient, item: tuple[int, int]) -> None:
    pid, iid = item
    url = f"/api/v1/projects/{pid}/items/{iid}/annotations"
    client.put(url, json={"labels": ["crack"], "keywords": ["a", "b"], "identity": "x", "split": "val"})
    patched = client.patch(
        url, json={"add_keywords": ["c"], "remove_keywords": ["a"], "add_labels": ["rust"]}
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["keywords"] == ["b", "c"]
    assert body["labels"] == ["crack", "rust"]
    assert body["identity"] == "x"
    assert body["split"] == "val"
    cleared = client.patch(url, json={"identity": None}).json()
    assert cleared["identity"] is None
    assert cleared["split"] == "val"


@pytest.mark.parametrize(
    "box",
    [
        {"label": "crack", "x": 190, "y": 0, "w": 20, "h": 10},
        {"label": "crack", "x": 0, "y": 90, "w": 10, "h": 20},
        {"label": "crack", "x": -1, "y": 0, "w": 10, "h": 10},
        {"label": "crack", "x": 0, "y": 0, "w": 0, "h": 10},
    ],
)
def test_box_outside_the_image_is_refused(
    client: TestClient, item: tuple[int, int], box: dict[str, float]
) -> None:
    pid, iid = item
    url = f"/api/v1/projects/{pid}/items/{iid}/annotations"
    client.put(url, json={"labels": ["keep"]})
    response = client.put(url, json={"labels": ["changed"], "boxes": [box]})
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "outside the 200x100 image" in message or "box" in message or "boxes" in message
    # Nothing of the refused request was applied.
    assert client.get(f"/api/v1/projects/{pid}/items/{iid}").json()["labels"] == ["keep"]


def test_bad_split_and_unknown_field(client: TestClient, item: tuple[int, int]) -> None:
    pid, iid = item
    url = f"/api/v1/projects/{pid}/items/{iid}/annotations"
    assert client.put(url, json={"split": "holdout"}).status_code == 422
    assert client.put(url, json={"labelz": ["x"]}).status_code == 422
    assert client.put(f"/api/v1/projects/{pid}/items/99999/annotations", json={}).status_code == 404


def test_label_classes_crud(client: TestClient, item: tuple[int, int]) -> None:
    pid, iid = item
    created = client.post(f"/api/v1/projects/{pid}/labels", json={"name": "corrosion", "color": "#ff0000"})
    assert created.status_code == 201
    assert client.post(f"/api/v1/projects/{pid}/labels", json={"name": "corrosion"}).status_code == 409
    lid = created.json()["id"]
    client.put(
        f"/api/v1/projects/{pid}/items/{iid}/annotations",
        json={"labels": ["corrosion"], "boxes": [{"label": "corrosion", "x": 1, "y": 1, "w": 5, "h": 5}]},
    )
    renamed = client.patch(f"/api/v1/projects/{pid}/labels/{lid}", json={"name": "rust"})
    assert renamed.json()["name"] == "rust"
    item_body = client.get(f"/api/v1/projects/{pid}/items/{iid}").json()
    assert item_body["labels"] == ["rust"]
    assert item_body["boxes"][0]["label"] == "rust"
    assert client.delete(f"/api/v1/projects/{pid}/labels/{lid}").status_code == 204
    item_body = client.get(f"/api/v1/projects/{pid}/items/{iid}").json()
    assert item_body["labels"] == []
    assert item_body["boxes"] == []
    assert client.delete(f"/api/v1/projects/{pid}/labels/{lid}").status_code == 404


def test_bulk_annotate_and_vocabularies(client: TestClient) -> None:
    pid = int(client.post("/api/v1/projects", json={"name": "Bulk"}).json()["id"])
    files = [("files", (f"{i}.png", image_bytes(10, 10, seed=i), "image/png")) for i in range(4)]
    ids = [i["id"] for i in client.post(f"/api/v1/projects/{pid}/items", files=files).json()["items"]]
    result = client.post(
        f"/api/v1/projects/{pid}/annotations/bulk",
        json={"item_ids": ids[:3], "add_labels": ["person"], "add_keywords": ["red coat"], "split": "test"},
    )
    assert result.status_code == 200, result.text
    assert result.json() == {"updated": 3}
    client.patch(f"/api/v1/projects/{pid}/items/{ids[0]}/annotations", json={"identity": "p-1"})
    listed = client.get(f"/api/v1/projects/{pid}/items?label=person&split=test").json()
    assert sorted(i["id"] for i in listed["items"]) == sorted(ids[:3])
    assert client.get(f"/api/v1/projects/{pid}/keywords?prefix=re").json() == [
        {"keyword": "red coat", "count": 3}
    ]
    assert client.get(f"/api/v1/projects/{pid}/identities").json() == [{"identity": "p-1", "count": 1}]

    missing = client.post(f"/api/v1/projects/{pid}/annotations/bulk", json={"item_ids": [ids[0], 999999]})
    assert missing.status_code == 404
