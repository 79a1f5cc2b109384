"""Uploading images: one or many, with metadata, readings and text; duplicates stored once."""

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mireru.models import Item
from mireru.storage import BlobStore
from tests.fixtures.images import image_bytes


def _project(client: TestClient, name: str = "Inspection") -> int:
    return int(client.post("/api/v1/projects", json={"name": name}).json()["id"])


def test_upload_one_image_with_metadata_readings_and_text(client: TestClient) -> None:
    pid = _project(client)
    response = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("crack.png", image_bytes(80, 60, seed=1), "image/png"))],
        data={
            "metadata": json.dumps({"bridge": "B-12", "span": 3}),
            "measurements": json.dumps({"strain": 0.42, "temperature": 17.5, "timestamp": 1767225600}),
            "text": "hairline crack near the bearing",
        },
    )
    assert response.status_code == 201, response.text
    [item] = response.json()["items"]
    assert item["duplicate"] is False
    assert (item["width"], item["height"]) == (80, 60)
    assert item["media_type"] == "image/png"
    assert item["metadata"] == {"bridge": "B-12", "span": 3}
    assert item["measurements"]["strain"] == 0.42
    assert item["text"] == "hairline crack near the bearing"

    got = client.get(f"/api/v1/projects/{pid}/items/{item['id']}").json()
    assert got["filename"] == "crack.png"
    assert got["labels"] == []
    assert got["boxes"] == []


def test_upload_many_with_per_file_metadata(client: TestClient) -> None:
    pid = _project(client)
    files = [
        ("files", (f"img{i}.jpg", image_bytes(32, 32, seed=i, fmt="JPEG"), "image/jpeg")) for i in range(3)
    ]
    response = client.post(
        f"/api/v1/projects/{pid}/items",
        files=files,
        data={"metadata": json.dumps([{"n": 0}, {"n": 1}, {"n": 2}]), "text": "same text for all"},
    )
    assert response.status_code == 201, response.text
    items = response.json()["items"]
    assert [i["metadata"]["n"] for i in items] == [0, 1, 2]
    assert {i["text"] for i in items} == {"same text for all"}
    assert client.get(f"/api/v1/projects/{pid}/items").json()["total"] == 3


def test_identical_image_is_stored_once(client: TestClient, db: Session, settings: object) -> None:
    pid = _project(client)
    data = image_bytes(40, 40, seed=9)
    first = client.post(f"/api/v1/projects/{pid}/items", files=[("files", ("a.png", data, "image/png"))])
    second = client.post(f"/api/v1/projects/{pid}/items", files=[("files", ("b.png", data, "image/png"))])
    assert first.json()["items"][0]["duplicate"] is False
    again = second.json()["items"][0]
    assert again["duplicate"] is True
    assert again["id"] == first.json()["items"][0]["id"]
    count = db.scalar(select(func.count()).select_from(Item).where(Item.project_id == pid))
    assert count == 1


def test_same_image_in_two_projects_is_two_items_one_blob(client: TestClient, settings: object) -> None:
    data = image_bytes(40, 40, seed=10)
    a, b = _project(client, "A"), _project(client, "B")
    item_a = client.post(f"/api/v1/projects/{a}/items", files=[("files", ("x.png", data, "image/png"))])
    item_b = client.post(f"/api/v1/projects/{b}/items", files=[("files", ("x.png", data, "image/png"))])
    assert item_a.json()["items"][0]["duplicate"] is False
    assert item_b.json()["items"][0]["duplicate"] is False
    assert item_a.json()["items"][0]["sha256"] == item_b.json()["items"][0]["sha256"]


def test_download_original_and_thumbnail(client: TestClient) -> None:
    pid = _project(client)
    data = image_bytes(600, 300, seed=3)
    item = client.post(
        f"/api/v1/projects/{pid}/items", files=[("files", ("w.png", data, "image/png"))]
    ).json()["items"][0]
    original = client.get(f"/api/v1/projects/{pid}/items/{item['id']}/image")
    assert original.status_code == 200
    assert original.content == data
    assert original.headers["content-type"] == "image/png"
    cached = client.get(
        f"/api/v1/projects/{pid}/items/{item['id']}/image",
        headers={"If-None-Match": original.headers["etag"]},
    )
    assert cached.status_code == 304

    thumb = client.get(f"/api/v1/projects/{pid}/items/{item['id']}/thumbnail")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(thumb.content)) as img:
        assert max(img.size) == 256
        assert img.size == (256, 128)


def test_delete_item_removes_row_and_unshared_blobs(live_client: TestClient, settings: object) -> None:
    from mireru.config import Settings

    assert isinstance(settings, Settings)
    blobs = BlobStore(settings.blob_dir)
    pid = _project(live_client, "Deleting")
    item = live_client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("d.png", image_bytes(30, 30, seed=77), "image/png"))],
    ).json()["items"][0]
    assert blobs.exists(item["sha256"])
    assert live_client.delete(f"/api/v1/projects/{pid}/items/{item['id']}").status_code == 204
    assert live_client.get(f"/api/v1/projects/{pid}/items/{item['id']}").status_code == 404
    assert not blobs.exists(item["sha256"])


def test_edit_item_fields(client: TestClient) -> None:
    pid = _project(client)
    item = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("e.png", image_bytes(20, 20, seed=5), "image/png"))],
    ).json()["items"][0]
    patched = client.patch(
        f"/api/v1/projects/{pid}/items/{item['id']}",
        json={"metadata": {"site": "north"}, "measurements": {"strain": 1.5}, "text": "rechecked"},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["metadata"] == {"site": "north"}
    assert body["measurements"] == {"strain": 1.5}
    assert body["text"] == "rechecked"
    assert body["filename"] == "e.png"
