"""Helpers for the web app: bulk delete, neighbours in a filtered listing, fields, limits, split=none."""

import json

from fastapi.testclient import TestClient

from tests.fixtures.images import image_bytes


def _items(client: TestClient, n: int) -> tuple[int, list[int]]:
    pid = int(client.post("/api/v1/projects", json={"name": "Nav"}).json()["id"])
    ids = []
    for i in range(n):
        files = [("files", (f"{i}.png", image_bytes(8, 8, seed=400 + i), "image/png"))]
        data = {
            "metadata": json.dumps({"camera": "A" if i % 2 else "B", "site": "x"}),
            "measurements": json.dumps({"strain": i / 10}),
        }
        ids.append(
            client.post(f"/api/v1/projects/{pid}/items", files=files, data=data).json()["items"][0]["id"]
        )
    return pid, ids


def test_neighbours_follow_the_filter(client: TestClient) -> None:
    pid, ids = _items(client, 5)
    whole = client.get(f"/api/v1/projects/{pid}/items/{ids[2]}/neighbours").json()
    assert whole == {"previous": ids[1], "next": ids[3], "index": 2, "total": 5}
    camera_a = client.get(f"/api/v1/projects/{pid}/items/{ids[3]}/neighbours?metadata=camera:A").json()
    assert camera_a == {"previous": ids[1], "next": None, "index": 1, "total": 2}
    first = client.get(f"/api/v1/projects/{pid}/items/{ids[0]}/neighbours").json()
    assert first["previous"] is None
    assert first["index"] == 0


def test_bulk_delete_is_all_or_nothing(client: TestClient) -> None:
    pid, ids = _items(client, 4)
    missing = client.post(f"/api/v1/projects/{pid}/items/delete", json={"item_ids": [ids[0], 999999]})
    assert missing.status_code == 404
    assert client.get(f"/api/v1/projects/{pid}/items").json()["total"] == 4
    done = client.post(f"/api/v1/projects/{pid}/items/delete", json={"item_ids": ids[:3]})
    assert done.json() == {"deleted": 3}
    assert [i["id"] for i in client.get(f"/api/v1/projects/{pid}/items").json()["items"]] == [ids[3]]


def test_fields_list_metadata_keys_and_reading_ranges(client: TestClient) -> None:
    pid, _ = _items(client, 3)
    fields = client.get(f"/api/v1/projects/{pid}/fields").json()
    assert fields["metadata"] == [{"name": "camera", "count": 3}, {"name": "site", "count": 3}]
    assert fields["measurements"] == [{"name": "strain", "count": 3, "min": 0.0, "max": 0.2}]


def test_split_none_and_limits(client: TestClient) -> None:
    pid, ids = _items(client, 3)
    client.patch(f"/api/v1/projects/{pid}/items/{ids[0]}/annotations", json={"split": "train"})
    unsplit = client.get(f"/api/v1/projects/{pid}/items?split=none").json()
    assert [i["id"] for i in unsplit["items"]] == ids[1:]
    limits = client.get("/api/v1/limits").json()
    assert limits["max_files_per_request"] == 20
    assert limits["max_upload_bytes"] == 2 * 1024 * 1024
