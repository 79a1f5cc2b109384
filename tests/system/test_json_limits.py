"""JSON bodies are bounded in size and nesting before any route parses them."""

from fastapi.testclient import TestClient

from mireru.json_limits import json_depth


def test_depth_counts_nesting_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[{{{{\\"]]"}') == 1
    assert json_depth(b"42") == 0


def test_deeply_nested_body_is_refused(client: TestClient) -> None:
    body = '{"name": "x", "description": ' + "[" * 100 + "]" * 100 + "}"
    response = client.post("/api/v1/projects", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "nested 101 levels deep; the limit is 32" in response.json()["error"]["message"]
    assert client.get("/api/v1/projects").json()["total"] == 0


def test_oversized_body_is_refused(client: TestClient) -> None:
    body = '{"name": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/projects", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["error"]["message"]


def test_normal_bodies_pass(client: TestClient) -> None:
    response = client.post(
        "/api/v1/projects", json={"name": "fine", "description": "nested [brackets] in text"}
    )
    assert response.status_code == 201
