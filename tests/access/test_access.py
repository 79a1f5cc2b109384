"""Access control against the real stack: roles per project, API keys, sessions, the policy table."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.access.policy import POLICY, rule_for
from mireru.access.routes import api_routes
from mireru.access.service import create_user
from tests.fixtures.images import image_bytes

PASSWORD = "correct horse battery"


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    project: int
    other: int
    item: int
    other_item: int

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _login(client: TestClient, username: str) -> str:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


@pytest.fixture
def world(client: TestClient, db: Session) -> World:
    for name, is_admin in (("root", True), ("vera", False), ("anna", False), ("tom", False), ("otto", False)):
        create_user(db, name, PASSWORD, is_admin=is_admin)
    db.flush()
    tokens = {name: _login(client, name) for name in ("root", "vera", "anna", "tom", "otto")}
    client.cookies.clear()  # sign-in set a session cookie; these tests send bearer tokens explicitly
    root = {"Authorization": f"Bearer {tokens['root']}"}
    project = client.post("/api/v1/projects", json={"name": "Bridges"}, headers=root).json()["id"]
    other = client.post("/api/v1/projects", json={"name": "Secret"}, headers=root).json()["id"]
    users = {u["username"]: u["id"] for u in client.get("/api/v1/users", headers=root).json()}
    for name, role in (("vera", "viewer"), ("anna", "annotator"), ("tom", "trainer")):
        r = client.put(f"/api/v1/projects/{project}/members/{users[name]}", json={"role": role}, headers=root)
        assert r.status_code == 200, r.text

    def upload(pid: int, seed: int) -> int:
        files = [("files", (f"{seed}.png", image_bytes(16, 16, seed=seed), "image/png"))]
        return int(
            client.post(f"/api/v1/projects/{pid}/items", files=files, headers=root).json()["items"][0]["id"]
        )

    return World(client, tokens, project, other, upload(project, 1), upload(other, 2))


def test_missing_or_wrong_credentials_are_401(world: World) -> None:
    c = world.client
    assert c.get("/api/v1/projects").status_code == 401
    assert c.get("/api/v1/projects", headers={"Authorization": "Bearer mrs_nope"}).status_code == 401
    assert c.get("/api/v1/projects", headers={"Authorization": "Basic abc"}).status_code == 401
    bad = c.post("/api/v1/auth/login", json={"username": "anna", "password": "wrong password"})
    assert bad.status_code == 401
    assert bad.json()["error"]["message"] == "wrong username or password"
    assert c.get("/api/v1/health").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("vera", (200, 403, 403, 403)),
        ("anna", (200, 201, 200, 403)),
        ("tom", (200, 201, 200, 403)),
        ("root", (200, 201, 200, 204)),
    ],
)
def test_role_matrix(world: World, who: str, expected: tuple[int, int, int, int]) -> None:
    c, p, headers = world.client, world.project, world.as_(who)
    read = c.get(f"/api/v1/projects/{p}/items", headers=headers).status_code
    files = [("files", (f"{who}.png", image_bytes(8, 8, seed=len(who) + 50), "image/png"))]
    write = c.post(f"/api/v1/projects/{p}/items", files=files, headers=headers).status_code
    annotate = c.put(
        f"/api/v1/projects/{p}/items/{world.item}/annotations", json={"labels": ["crack"]}, headers=headers
    ).status_code
    delete = c.delete(f"/api/v1/projects/{p}", headers=headers).status_code
    assert (read, write, annotate, delete) == expected


def test_forbidden_says_which_role_is_needed(world: World) -> None:
    response = world.client.delete(f"/api/v1/projects/{world.project}", headers=world.as_("anna"))
    assert response.status_code == 403
    assert "needs the admin role" in response.json()["error"]["message"]


def test_trainers_may_train_annotators_may_not(world: World) -> None:
    c, p = world.client, world.project
    for path in (f"/api/v1/projects/{p}/training-runs", f"/api/v1/projects/{p}/spaces"):
        # An empty body is invalid: 422 means the caller passed the access check.
        assert c.post(path, json={}, headers=world.as_("anna")).status_code == 403, path
        assert c.post(path, json={}, headers=world.as_("tom")).status_code == 422, path


def test_nobody_sees_another_projects_data(world: World) -> None:
    c, other, item = world.client, world.other, world.other_item
    for who in ("vera", "anna", "tom", "otto"):
        h = world.as_(who)
        for path in (
            f"/api/v1/projects/{other}",
            f"/api/v1/projects/{other}/items",
            f"/api/v1/projects/{other}/items/{item}",
            f"/api/v1/projects/{other}/items/{item}/image",
            f"/api/v1/projects/{other}/items/{item}/thumbnail",
            f"/api/v1/projects/{other}/export?format=csv",
            f"/api/v1/projects/{other}/spaces",
            f"/api/v1/projects/{other}/models",
            f"/api/v1/projects/{other}/training-runs",
        ):
            assert c.get(path, headers=h).status_code == 404, (who, path)
        search = c.post(f"/api/v1/projects/{other}/search", json={"item_id": item, "k": 5}, headers=h)
        assert search.status_code == 404, who
        # An item of the other project is not reachable through one's own project either.
        assert c.get(f"/api/v1/projects/{world.project}/items/{item}", headers=h).status_code == 404
        names = [p["name"] for p in c.get("/api/v1/projects", headers=h).json()["projects"]]
        assert "Secret" not in names
    assert [p["name"] for p in c.get("/api/v1/projects", headers=world.as_("otto")).json()["projects"]] == []


def test_jobs_of_other_projects_are_hidden(world: World) -> None:
    c = world.client
    csv = b"filename,keywords\n1.png,steel\n"
    job = c.post(
        f"/api/v1/projects/{world.other}/imports",
        files={"file": ("a.csv", csv, "text/csv")},
        headers=world.as_("root"),
    ).json()
    assert c.get(f"/api/v1/jobs/{job['id']}", headers=world.as_("root")).status_code == 200
    assert c.get(f"/api/v1/jobs/{job['id']}", headers=world.as_("tom")).status_code == 404


def test_api_keys_are_scoped_shown_once_and_revocable(world: World) -> None:
    c, p = world.client, world.project
    created = c.post(
        f"/api/v1/projects/{p}/api-keys",
        json={"role": "viewer", "name": "dashboard"},
        headers=world.as_("root"),
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("mrk_")
    assert created.json()["prefix"] == key[:12]
    listed = c.get(f"/api/v1/projects/{p}/api-keys", headers=world.as_("root")).json()
    assert [k["name"] for k in listed] == ["dashboard"]
    assert all("key" not in k for k in listed)
    assert key not in str(listed)

    h = {"Authorization": f"Bearer {key}"}
    assert c.get(f"/api/v1/projects/{p}/items", headers=h).status_code == 200
    files = [("files", ("k.png", image_bytes(8, 8, seed=99), "image/png"))]
    assert c.post(f"/api/v1/projects/{p}/items", files=files, headers=h).status_code == 403
    assert c.get(f"/api/v1/projects/{world.other}/items", headers=h).status_code == 404
    assert c.post("/api/v1/projects", json={"name": "by key"}, headers=h).status_code == 403
    assert [x["name"] for x in c.get("/api/v1/projects", headers=h).json()["projects"]] == ["Bridges"]
    # Only project admins manage keys.
    assert c.get(f"/api/v1/projects/{p}/api-keys", headers=world.as_("tom")).status_code == 403

    key_id = created.json()["id"]
    assert c.delete(f"/api/v1/projects/{p}/api-keys/{key_id}", headers=world.as_("root")).status_code == 204
    revoked = c.get(f"/api/v1/projects/{p}/items", headers=h)
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["error"]["message"]


def test_sessions_end_on_logout_and_cookies_work(world: World) -> None:
    c = world.client
    login = c.post("/api/v1/auth/login", json={"username": "vera", "password": PASSWORD})
    assert login.cookies.get("mireru_session") == login.json()["token"]
    c.cookies.set("mireru_session", login.json()["token"])
    me = c.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["name"] == "vera"
    assert me.json()["projects"] == [{"project_id": world.project, "role": "viewer"}]
    assert c.post("/api/v1/auth/logout").status_code == 204
    c.cookies.clear()
    h = {"Authorization": f"Bearer {login.json()['token']}"}
    assert c.get("/api/v1/auth/me", headers=h).status_code == 401


def test_only_administrators_manage_users(world: World) -> None:
    c = world.client
    new = {"username": "newbie", "password": "long enough"}
    assert c.post("/api/v1/users", json=new, headers=world.as_("tom")).status_code == 403
    assert c.post("/api/v1/users", json=new, headers=world.as_("root")).status_code == 201


def test_project_creators_administer_their_project(world: World) -> None:
    c = world.client
    created = c.post("/api/v1/projects", json={"name": "Otto's"}, headers=world.as_("otto"))
    assert created.status_code == 201
    pid = created.json()["id"]
    assert c.get(f"/api/v1/projects/{pid}/members", headers=world.as_("otto")).json()[0]["role"] == "admin"
    assert c.get(f"/api/v1/projects/{pid}", headers=world.as_("vera")).status_code == 404


def test_every_route_has_an_explicit_rule(client: TestClient) -> None:
    missing = []
    seen = 0
    for method, path, _ in api_routes(client.app):  # type: ignore[arg-type]
        if path.startswith("/api/v1"):
            seen += 1
            if not rule_for(method, path)[1]:
                missing.append(f"{method} {path}")
    assert seen >= 40
    assert not missing, f"add these routes to mireru.access.policy.POLICY: {missing}"
    assert len(POLICY) > 40
