"""`mireru backup` / `mireru restore` round-trip a project: rows, annotations and blobs."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from mireru.cli import app
from mireru.config import Settings
from mireru.db import make_engine
from mireru.main import create_app
from mireru.migrate import upgrade
from mireru.state import AppState
from tests.conftest import Services
from tests.fixtures.images import image_bytes

DB = "mireru_backup_test"


@pytest.fixture
def own_database(services: Services, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A separate database and blob dir, since a restore replaces everything in them."""
    admin = create_engine(services.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DB}"))
    url = make_url(services.database_url).set(database=DB).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url, tmp_path / "data"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
    admin.dispose()


def test_backup_and_restore_round_trip(
    own_database: tuple[str, Path], settings: Settings, tmp_path: Path
) -> None:
    url, data_dir = own_database
    cfg = settings.model_copy(update={"database_url": url, "data_dir": data_dir})
    engine = make_engine(url)
    state = replace(AppState.build(cfg, url, cfg.redis_url or ""), sessions=sessionmaker(bind=engine))
    env = {"MIRERU_DATABASE_URL": url, "MIRERU_DATA_DIR": str(data_dir)}
    runner = CliRunner()
    with TestClient(create_app(state)) as client:
        pid = client.post("/api/v1/projects", json={"name": "Keep me"}).json()["id"]
        files = [("files", (f"{i}.png", image_bytes(24, 24, seed=300 + i), "image/png")) for i in range(3)]
        items = client.post(f"/api/v1/projects/{pid}/items", files=files).json()["items"]
        client.put(
            f"/api/v1/projects/{pid}/items/{items[0]['id']}/annotations",
            json={
                "labels": ["crack"],
                "keywords": ["rust"],
                "boxes": [{"label": "crack", "x": 1, "y": 1, "w": 5, "h": 5}],
            },
        )
        before = client.get(f"/api/v1/projects/{pid}/items").json()["items"]

        archive = tmp_path / "backup.tar"
        done = runner.invoke(app, ["backup", "--out", str(archive)], env=env)
        assert done.exit_code == 0, done.output
        assert "1 projects, 3 items" in done.output

        assert client.delete(f"/api/v1/projects/{pid}").status_code == 204
        assert client.get(f"/api/v1/projects/{pid}").status_code == 404

        restored = runner.invoke(app, ["restore", str(archive), "--yes"], env=env)
        assert restored.exit_code == 0, restored.output
        engine.dispose()
        after = client.get(f"/api/v1/projects/{pid}/items").json()["items"]
        assert after == before
        for item in after:
            image = client.get(f"/api/v1/projects/{pid}/items/{item['id']}/image")
            assert image.status_code == 200
            assert image.content == {f[1][0]: f[1][1] for f in files}[item["filename"]]

    not_a_backup = tmp_path / "x.tar"
    not_a_backup.write_bytes(b"")
    bad = runner.invoke(app, ["restore", str(not_a_backup), "--yes"], env=env)
    assert bad.exit_code != 0
    engine.dispose()
