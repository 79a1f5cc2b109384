"""Steps the embedding and search tests share: a project, uploads, annotations, spaces."""

import json
import uuid
from collections.abc import Callable
from typing import Any, cast

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from mireru.db import unit_of_work
from mireru.projects.schemas import ProjectCreate
from mireru.projects.service import create_project
from mireru.state import AppState

Json = dict[str, Any]
# MobileNetV2 with its real ImageNet weights (offline), at a small input size to stay fast.
MOBILENET = {"model": "torchvision:mobilenet_v2", "pretrained": "IMAGENET1K_V1", "image_size": 64}


def make_project(client: TestClient, prefix: str = "search") -> int:
    """A project made through the projects service in the client's session (committed for
    live_client, rolled back for client)."""
    state = cast(AppState, client.app.state.mireru)  # type: ignore[attr-defined]
    with unit_of_work(state.sessions) as session:
        return create_project(session, ProjectCreate(name=f"{prefix}-{uuid.uuid4().hex[:8]}")).id


def upload(client: TestClient, project_id: int, files: list[tuple[str, bytes]], **form: Any) -> list[Json]:
    fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in form.items()}
    response = client.post(
        f"/api/v1/projects/{project_id}/items",
        files=[("files", (name, data, "image/jpeg")) for name, data in files],
        data=fields,
    )
    assert response.status_code == 201, response.text
    items: list[Json] = response.json()["items"]
    return items


def annotate(client: TestClient, project_id: int, item_id: int, **annotations: Any) -> None:
    response = client.put(f"/api/v1/projects/{project_id}/items/{item_id}/annotations", json=annotations)
    assert response.status_code == 200, response.text


def create_space(client: TestClient, project_id: int, **body: Any) -> Json:
    response = client.post(f"/api/v1/projects/{project_id}/spaces", json={**MOBILENET, **body})
    assert response.status_code == 201, response.text
    space: Json = response.json()
    return space


def spaces(client: TestClient, project_id: int) -> Json:
    response = client.get(f"/api/v1/projects/{project_id}/spaces")
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def space(client: TestClient, project_id: int, space_id: int) -> Json:
    response = client.get(f"/api/v1/projects/{project_id}/spaces/{space_id}")
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def search(client: TestClient, project_id: int, **body: Any) -> Json:
    response = client.post(f"/api/v1/projects/{project_id}/search", json=body)
    assert response.status_code == 200, response.text
    result: Json = response.json()
    return result


def job(client: TestClient, job_id: str) -> Json:
    response = client.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def run_until_idle(run_jobs: Callable[[], int], rounds: int = 4) -> None:
    """Jobs enqueue follow-up jobs (embedding -> index build): run until the queues stay empty."""
    for _ in range(rounds):
        run_jobs()


def vector_indexes(engine: Engine, space_id: int) -> dict[str, str]:
    """The space's vector indexes in PostgreSQL, name -> definition."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'embeddings' AND indexname LIKE :p"
            ),
            {"p": f"embeddings_space_{space_id}_%"},
        )
        return {str(name): str(definition) for name, definition in rows.all()}
