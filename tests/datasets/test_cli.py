"""`mireru import` and `mireru export` against the test services (the environment points
MIRERU_DATABASE_URL / MIRERU_REDIS_URL at them), which the CLI must leave running."""

import csv
import json
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mireru.cli import app
from mireru.config import Settings
from mireru.models import Item, Project
from tests.datasets.helpers import by_sha, content, list_items, sha256
from tests.fixtures.archives import csv_bytes, read_zip, zip_bytes
from tests.fixtures.images import image_bytes

IMAGES = {f"train/cat/c{i}.png": image_bytes(seed=80 + i) for i in range(3)} | {
    f"val/dog/d{i}.png": image_bytes(seed=90 + i) for i in range(2)
}
SIDECAR = [{"filename": "c0.png", "keywords": "fluffy;indoor", "strain": "0.5", "site": "Oslo"}]


def _project_id(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        project_id = session.scalar(select(Project.id).where(Project.name == name))
    assert project_id is not None, f"no project {name!r}"
    return project_id


def _services_alive(engine: Engine, settings: Settings) -> None:
    # A fresh connection, not one the pool kept: the server itself must still answer.
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    assert redis.Redis.from_url(settings.redis_url or "").ping()


@pytest.mark.parametrize("fmt", ["coco", "imagefolder", "csv"])
def test_cli_import_then_export(
    live_client: TestClient, engine: Engine, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    # live_client: the CLI commits; the fixture deletes the projects it made, and its API reads them.
    runner = CliRunner()
    archive = tmp_path / "cats.zip"
    archive.write_bytes(zip_bytes(IMAGES | {"mireru.csv": csv_bytes(SIDECAR)}))
    name = f"cli-{fmt}"

    imported = runner.invoke(app, ["import", name, str(archive)])

    assert imported.exit_code == 0, imported.output
    result = json.loads(imported.output[imported.output.index("{") :])
    assert (result["created"], result["skipped"]) == (len(IMAGES), 0)
    items = by_sha(list_items(live_client, _project_id(engine, name)))
    assert set(items) == {sha256(d) for d in IMAGES.values()}
    c0 = items[sha256(IMAGES["train/cat/c0.png"])]
    assert (c0["labels"], c0["split"], c0["keywords"]) == (["cat"], "train", ["fluffy", "indoor"])
    assert (c0["measurements"], c0["metadata"]) == ({"strain": 0.5}, {"site": "Oslo"})
    _services_alive(engine, settings)

    out = tmp_path / f"out.{fmt}"
    exported = runner.invoke(app, ["export", name, "--out", str(out), "--format", fmt])

    assert exported.exit_code == 0, exported.output
    if fmt == "csv":
        rows = {r["filename"]: r for r in csv.DictReader(out.read_text().splitlines())}
        assert set(rows) == {i["filename"] for i in items.values()}
        assert json.loads(rows["c0.png"]["measurements"]) == c0["measurements"]
    else:
        # The file is a dataset again: importing it into another project reproduces everything.
        again = runner.invoke(app, ["import", f"{name}-again", str(out), "--format", fmt])
        assert again.exit_code == 0, again.output
        copies = by_sha(list_items(live_client, _project_id(engine, f"{name}-again")))
        assert {s: content(i) for s, i in copies.items()} == {s: content(i) for s, i in items.items()}
        assert {sha256(d) for p, d in read_zip(out.read_bytes()).items() if p.endswith(".png")} == set(items)
    _services_alive(engine, settings)


def test_cli_import_of_a_bad_file_fails_and_imports_nothing(
    live_client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a dataset")

    failed = CliRunner().invoke(app, ["import", "cli-bad", str(bad)])

    assert failed.exit_code == 2
    assert "error: notes.txt: the upload is neither a zip archive nor a .csv file" in failed.output
    with Session(engine) as session:
        imported = session.scalar(
            select(func.count()).select_from(Item).join(Project).where(Project.name == "cli-bad")
        )
        project = session.scalar(select(Project).where(Project.name == "cli-bad"))
    assert imported == 0
    assert project is None  # the file is checked before the project is created
    _services_alive(engine, settings)
