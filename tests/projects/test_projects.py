"""Projects: create, list, get, rename, delete, with clear errors."""

from fastapi.testclient import TestClient


def test_project_lifecycle(client: TestClient) -> None:
    created = client.post("/api/v1/projects", json={"name": "Bridges"})
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["name"] == "Bridges"
    assert project["item_count"] == 0

    listed = client.get("/api/v1/projects").json()
    assert [p["name"] for p in listed["projects"]] == ["Bridges"]
    assert listed["total"] == 1

    pid = project["id"]
    renamed = client.patch(f"/api/v1/projects/{pid}", json={"name": "Bridges 2026"})
    assert renamed.status_code == 200
    assert client.get(f"/api/v1/projects/{pid}").json()["name"] == "Bridges 2026"

    assert client.delete(f"/api/v1/projects/{pid}").status_code == 204
    missing = client.get(f"/api/v1/projects/{pid}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_duplicate_name_is_a_conflict(client: TestClient) -> None:
    assert client.post("/api/v1/projects", json={"name": "Patents"}).status_code == 201
    again = client.post("/api/v1/projects", json={"name": "Patents"})
    assert again.status_code == 409
    assert "already exists" in again.json()["error"]["message"]


def test_invalid_body_names_the_field(client: TestClient) -> None:
    bad = client.post("/api/v1/projects", json={"name": ""})
    assert bad.status_code == 422
    body = bad.json()["error"]
    assert body["code"] == "validation_error"
    assert "name" in body["message"]


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    bad = client.post("/api/v1/projects", content=b'{"name": ', headers={"content-type": "application/json"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"


def test_unknown_project_ids_are_404(client: TestClient) -> None:
    for method, path in (
        ("get", "/api/v1/projects/999999"),
        ("patch", "/api/v1/projects/999999"),
        ("delete", "/api/v1/projects/999999"),
    ):
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 404, (method, response.text)
