"""A malformed upload is refused in the request with a 4xx JSON error that names the problem,
and leaves nothing behind: no job row, no queued RQ job, no items, no stored upload."""

import json

import pytest
from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import select
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.models import Job
from mireru.storage import BlobStore
from tests.datasets.helpers import list_items, make_project, post_import, sha256
from tests.fixtures.archives import csv_bytes, zip_bytes, zip_with_symlink
from tests.fixtures.images import image_bytes

# Seeds no other test uses, so an upload's bytes cannot already be in the blob store.
PNG = image_bytes(seed=9001)


def _coco(file_name: str, category_id: int) -> bytes:
    doc = {
        "images": [{"id": 1, "file_name": file_name, "width": 64, "height": 48}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": category_id, "bbox": [1, 1, 5, 5]}],
        "categories": [{"id": 1, "name": "crack"}],
    }
    return zip_bytes({"images/ok.png": PNG, "annotations.json": json.dumps(doc).encode()})


def _truncated_zip() -> bytes:
    whole = zip_bytes({"cat/a.png": image_bytes(seed=9002), "cat/b.png": image_bytes(seed=9003)})
    return whole[: len(whole) // 2]


ROW = {"filename": "a.png", "labels": "cat"}
# (case, upload name, bytes, format, status, words the message must contain)
CASES = [
    (
        "zip slip",
        "slip.zip",
        zip_bytes({"cat/ok.png": PNG, "../evil.png": PNG}),
        None,
        422,
        ["'../evil.png'", "outside the archive"],
    ),
    (
        "nested zip slip",
        "slip2.zip",
        zip_bytes({"cat/../../evil.png": PNG}),
        None,
        422,
        ["evil.png", "outside the archive"],
    ),
    (
        "absolute path",
        "abs.zip",
        zip_bytes({"cat/ok.png": PNG, "/etc/evil.png": PNG}),
        None,
        422,
        ["'/etc/evil.png'", "absolute"],
    ),
    ("windows path", "win.zip", zip_bytes({"C:\\evil.png": PNG}), None, 422, ["absolute or Windows path"]),
    (
        "symbolic link",
        "link.zip",
        zip_with_symlink("cat/link.png", "/etc/passwd"),
        None,
        422,
        ["symbolic link"],
    ),
    ("not a zip nor a CSV", "photo.png", PNG, None, 422, ["photo.png", "neither a zip archive nor a .csv"]),
    ("corrupt zip", "cut.zip", _truncated_zip(), None, 422, ["not a readable zip archive"]),
    ("zip without images", "empty.zip", zip_bytes({"notes.txt": b"hello"}), None, 422, ["no images"]),
    (
        "COCO image missing",
        "coco1.zip",
        _coco("missing.png", 1),
        None,
        422,
        ["'missing.png'", "not in the archive"],
    ),
    (
        "COCO unknown category",
        "coco2.zip",
        _coco("ok.png", 99),
        None,
        422,
        ["annotations[0]", "category_id 99", "not in categories"],
    ),
    ("asked for COCO, got folders", "f.zip", zip_bytes({"cat/ok.png": PNG}), "coco", 422, ["no COCO JSON"]),
    (
        "CSV without filename",
        "a.csv",
        csv_bytes([{"name": "a.png", "labels": "cat"}]),
        None,
        422,
        ["'filename' column"],
    ),
    (
        "malformed JSON in a CSV cell",
        "b.csv",
        csv_bytes([ROW | {"metadata": '{"camera": '}]),
        None,
        422,
        ["row 2", "metadata", "malformed JSON"],
    ),
    (
        "NaN in a CSV JSON cell",
        "c.csv",
        csv_bytes([ROW | {"measurements": '{"t": NaN}'}]),
        None,
        422,
        ["row 2", "measurements", "NaN"],
    ),
    (
        "bad split in a CSV",
        "d.csv",
        csv_bytes([ROW | {"split": "training"}]),
        None,
        422,
        ["row 2", "'training'"],
    ),
    ("CSV that is not text", "e.csv", b"\xff\xfe\x00binary", None, 422, ["not UTF-8"]),
    ("zip sent as CSV", "g.zip", zip_bytes({"cat/ok.png": PNG}), "csv", 422, ["format=csv"]),
]


@pytest.mark.parametrize(
    ("name", "data", "fmt", "status", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_upload_is_refused_and_leaves_nothing(
    client: TestClient,
    db: Session,
    settings: Settings,
    queues: list[Queue],
    name: str,
    data: bytes,
    fmt: str | None,
    status: int,
    words: list[str],
) -> None:
    project_id = make_project(client, "rejected")

    response = post_import(client, project_id, name, data, fmt)

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    for word in words:
        assert word in error["message"], error["message"]
    assert db.scalars(select(Job).where(Job.project_id == project_id)).all() == []
    assert [q.count for q in queues] == [0] * len(queues)
    assert list_items(client, project_id) == []
    assert not BlobStore(settings.blob_dir).exists(sha256(data))


def test_unknown_format_and_project_are_clear_errors(client: TestClient, queues: list[Queue]) -> None:
    project_id = make_project(client, "formats")
    bad_format = post_import(client, project_id, "a.csv", csv_bytes([ROW]), "xml")
    assert bad_format.status_code == 422
    assert "format" in bad_format.json()["error"]["message"]
    missing = post_import(client, 999999, "a.csv", csv_bytes([ROW]))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert [q.count for q in queues] == [0] * len(queues)


def test_zip_bomb_is_refused_before_unpacking(client: TestClient, db: Session, queues: list[Queue]) -> None:
    project_id = make_project(client, "bomb")
    bomb = zip_bytes({"cat/ok.png": PNG, "cat/zeros.png": bytes(10 * 1024 * 1024)})

    response = post_import(client, project_id, "bomb.zip", bomb)

    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "'cat/zeros.png' is suspiciously compressed" in response.json()["error"]["message"]
    assert db.scalars(select(Job).where(Job.project_id == project_id)).all() == []
    assert [q.count for q in queues] == [0] * len(queues)
