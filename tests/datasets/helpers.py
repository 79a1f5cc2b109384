"""Small steps the dataset tests share: arrange a project, start an import, read items back."""

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, cast

import httpx
from fastapi.testclient import TestClient

from mireru.db import unit_of_work
from mireru.projects.schemas import ProjectCreate
from mireru.projects.service import create_project
from mireru.state import AppState

Item = dict[str, Any]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_project(client: TestClient, prefix: str) -> int:
    """Arrange a project through the projects service, in the client's own database session
    (committed for `live_client`, rolled back after the test for `client`). The projects HTTP
    routes have their own tests."""
    state = cast(AppState, client.app.state.mireru)  # type: ignore[attr-defined]
    with unit_of_work(state.sessions) as session:
        return create_project(session, ProjectCreate(name=f"{prefix}-{uuid.uuid4().hex[:8]}")).id


def post_import(
    client: TestClient, project_id: int, filename: str, data: bytes, fmt: str | None = None
) -> httpx.Response:
    form = {"format": fmt} if fmt is not None else {}
    return client.post(
        f"/api/v1/projects/{project_id}/imports",
        files={"file": (filename, data, "application/octet-stream")},
        data=form,
    )


def import_and_run(
    client: TestClient,
    run_jobs: Callable[[], int],
    project_id: int,
    filename: str,
    data: bytes,
    fmt: str | None = None,
) -> dict[str, Any]:
    """Start an import, run the worker, and return the finished job as the API shows it."""
    started = post_import(client, project_id, filename, data, fmt)
    assert started.status_code == 202, started.text
    # Not asserting run_jobs()'s count: rq 3 keeps worker counts in Redis, so it reads 0 (see the
    # report); the job row's status below shows the worker ran it.
    run_jobs()
    job = client.get(f"/api/v1/jobs/{started.json()['id']}")
    assert job.status_code == 200, job.text
    body: dict[str, Any] = job.json()
    assert body["status"] == "succeeded", body
    return body


def upload(client: TestClient, project_id: int, name: str, data: bytes, **form: Any) -> Item:
    fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in form.items()}
    response = client.post(
        f"/api/v1/projects/{project_id}/items", files=[("files", (name, data, "image/png"))], data=fields
    )
    assert response.status_code == 201, response.text
    item: Item = response.json()["items"][0]
    return item


def annotate(client: TestClient, project_id: int, item_id: int, **annotations: Any) -> Item:
    response = client.put(f"/api/v1/projects/{project_id}/items/{item_id}/annotations", json=annotations)
    assert response.status_code == 200, response.text
    item: Item = response.json()
    return item


def list_items(client: TestClient, project_id: int, **filters: str) -> list[Item]:
    response = client.get(f"/api/v1/projects/{project_id}/items", params={"limit": 500, **filters})
    assert response.status_code == 200, response.text
    items: list[Item] = response.json()["items"]
    return items


def label_classes(client: TestClient, project_id: int) -> set[str]:
    response = client.get(f"/api/v1/projects/{project_id}/labels")
    assert response.status_code == 200, response.text
    return {c["name"] for c in response.json()}


def content(item: Item) -> dict[str, Any]:
    """Everything an export must carry for an item, in a form that compares exactly
    (lists sorted, since their order is not part of an annotation)."""
    return {
        "media_type": item["media_type"],
        "width": item["width"],
        "height": item["height"],
        "labels": sorted(item["labels"]),
        "keywords": sorted(item["keywords"]),
        "identity": item["identity"],
        "split": item["split"],
        "text": item["text"],
        "metadata": item["metadata"],
        "measurements": item["measurements"],
        "boxes": sorted((b["label"], b["x"], b["y"], b["w"], b["h"]) for b in item["boxes"]),
    }


def by_sha(items: list[Item]) -> dict[str, Item]:
    return {item["sha256"]: item for item in items}
