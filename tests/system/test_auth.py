"""With MIRERU_ADMIN_TOKEN set, every /api/v1 route but health and sign-in needs a credential."""

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from mireru.main import create_app
from mireru.state import AppState

TOKEN = "s3cret-token"


@pytest.fixture
def guarded(app_state: AppState) -> Iterator[TestClient]:
    state = replace(app_state, settings=app_state.settings.model_copy(update={"admin_token": TOKEN}))
    with TestClient(create_app(state)) as c:
        yield c


def test_routes_need_the_token(guarded: TestClient) -> None:
    missing = guarded.get("/api/v1/projects")
    assert missing.status_code == 401
    assert "Authorization: Bearer" in missing.json()["error"]["message"]
    wrong = guarded.get("/api/v1/projects", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = guarded.get("/api/v1/projects", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200


def test_health_stays_open(guarded: TestClient) -> None:
    assert guarded.get("/api/v1/health").status_code == 200


def test_the_admin_token_is_a_superuser(guarded: TestClient) -> None:
    me = guarded.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert me["kind"] == "admin_token"
    assert me["superuser"] is True


def test_every_documented_route_but_health_is_guarded(guarded: TestClient) -> None:
    spec = guarded.get("/openapi.json").json()
    checked = 0
    for path, methods in spec["paths"].items():
        if path in ("/api/v1/health", "/api/v1/limits", "/api/v1/auth/login"):
            continue
        concrete = path.replace("{project_id}", "1").replace("{item_id}", "1").replace("{job_id}", "x")
        concrete = concrete.replace("{label_id}", "1")
        for method in methods:
            concrete_path = concrete
            for name in (
                "space_id",
                "run_id",
                "model_id",
                "key_id",
                "user_id",
                "word_model_id",
                "word",
                "pair_id",
            ):
                concrete_path = concrete_path.replace("{" + name + "}", "1")
            response = guarded.request(method.upper(), concrete_path)
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked >= 15
