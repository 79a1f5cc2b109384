"""The OpenAPI document is complete enough for generated clients."""

from fastapi.testclient import TestClient


def test_every_route_has_a_summary_and_typed_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Mireru"
    for path, methods in spec["paths"].items():
        assert path.startswith("/api/v1/"), path
        for method, op in methods.items():
            assert op.get("summary"), (method, path)
            ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert ok, (method, path)


def test_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
