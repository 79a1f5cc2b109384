"""Bad uploads get a 4xx JSON error naming the problem, and nothing half-written stays behind."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mireru.config import Settings
from tests.fixtures.images import image_bytes, truncated_jpeg


def _project(client: TestClient) -> int:
    return int(client.post("/api/v1/projects", json={"name": "Bad input"}).json()["id"])


def _blob_files(settings: Settings) -> set[Path]:
    root = settings.blob_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _bomb_png() -> bytes:
    # 3000 x 2000 = 6 Mpx, over the test limit of 4 Mpx, yet tiny on disk.
    import io

    out = io.BytesIO()
    Image.new("L", (3000, 2000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "status", "code", "words"),
    [
        ("notes.txt", b"this is not an image at all", 415, "unsupported_media_type", "not an image"),
        ("broken.jpg", truncated_jpeg(), 422, "invalid_input", "corrupt or truncated"),
        ("bomb.png", _bomb_png(), 413, "too_many_pixels", "pixels is over the limit"),
        ("huge.png", b"\x89PNG" + b"\0" * (2 * 1024 * 1024 + 10), 413, "payload_too_large", "larger than"),
    ],
)
def test_bad_file_is_refused_and_nothing_stays(
    client: TestClient, settings: Settings, filename: str, data: bytes, status: int, code: str, words: str
) -> None:
    pid = _project(client)
    good = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("good.png", image_bytes(16, 16, seed=1), "image/png"))],
    )
    assert good.status_code == 201
    blobs_before = _blob_files(settings)

    # The bad file travels with a good one: the whole request is refused, the good one not stored.
    response = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[
            ("files", ("other-good.png", image_bytes(16, 16, seed=2), "image/png")),
            ("files", (filename, data, "application/octet-stream")),
        ],
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]
    assert filename in error["message"]

    listed = client.get(f"/api/v1/projects/{pid}/items").json()
    assert [i["filename"] for i in listed["items"]] == ["good.png"]
    assert _blob_files(settings) == blobs_before


def test_malformed_metadata_json(client: TestClient) -> None:
    pid = _project(client)
    response = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("a.png", image_bytes(8, 8), "image/png"))],
        data={"metadata": "{not json"},
    )
    assert response.status_code == 422
    assert "metadata: malformed JSON" in response.json()["error"]["message"]
    assert client.get(f"/api/v1/projects/{pid}/items").json()["total"] == 0


@pytest.mark.parametrize(
    ("measurements", "words"),
    [
        ({"strain": "high"}, "measurements.strain must be a finite number"),
        ({"ok": True}, "measurements.ok must be a finite number"),
        ([1, 2], "measurements is a list of 2 entries but 1 files were sent"),
        ("[]", "measurements is a list of 0 entries"),
    ],
)
def test_bad_measurements(client: TestClient, measurements: object, words: str) -> None:
    pid = _project(client)
    raw = measurements if isinstance(measurements, str) else json.dumps(measurements)
    response = client.post(
        f"/api/v1/projects/{pid}/items",
        files=[("files", ("a.png", image_bytes(8, 8), "image/png"))],
        data={"measurements": raw},
    )
    assert response.status_code == 422, response.text
    assert words in response.json()["error"]["message"]


def test_too_many_files_in_one_request(client: TestClient, settings: Settings) -> None:
    pid = _project(client)
    files = [
        ("files", (f"{i}.png", image_bytes(4, 4, seed=i), "image/png"))
        for i in range(settings.max_files_per_request + 1)
    ]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 413
    assert "the limit is" in response.json()["error"]["message"]


def test_unknown_ids(client: TestClient) -> None:
    pid = _project(client)
    for path in (
        f"/api/v1/projects/{pid}/items/424242",
        f"/api/v1/projects/{pid}/items/424242/image",
        f"/api/v1/projects/{pid}/items/424242/thumbnail",
        "/api/v1/projects/424242/items",
        "/api/v1/jobs/no-such-job",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    upload = client.post(
        "/api/v1/projects/424242/items", files=[("files", ("a.png", image_bytes(8, 8), "image/png"))]
    )
    assert upload.status_code == 404


def test_item_of_another_project_is_not_found(client: TestClient) -> None:
    a = int(client.post("/api/v1/projects", json={"name": "A"}).json()["id"])
    b = int(client.post("/api/v1/projects", json={"name": "B"}).json()["id"])
    item = client.post(
        f"/api/v1/projects/{a}/items", files=[("files", ("a.png", image_bytes(8, 8), "image/png"))]
    ).json()["items"][0]
    assert client.get(f"/api/v1/projects/{b}/items/{item['id']}").status_code == 404
    assert client.get(f"/api/v1/projects/{b}/items/{item['id']}/image").status_code == 404
