"""The `mireru` command: serve, worker, db, import, export."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from mireru.config import Settings, get_settings

app = typer.Typer(help="Mireru: annotate, train, search and serve images with text and sensor data.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")

log = logging.getLogger("mireru")

DataDir = Annotated[Path | None, typer.Option(help="Mireru data dir (default ./data or MIRERU_DATA_DIR)")]


def _settings(data_dir: Path | None = None, **overrides: object) -> Settings:
    base = get_settings()
    updates: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        updates["data_dir"] = data_dir
    return base.model_copy(update=updates) if updates else base


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _worker_env(settings: Settings, database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "MIRERU_DATABASE_URL": database_url, "MIRERU_REDIS_URL": redis_url,
        "MIRERU_DATA_DIR": str(settings.data_dir.resolve()),
    })  # fmt: skip
    return env


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
    data_dir: DataDir = None,
    sample: Annotated[
        bool, typer.Option("--sample/--no-sample", help="Load the sample project on first start")
    ] = True,
    workers: Annotated[int, typer.Option(help="RQ workers to start beside the API")] = 1,
) -> None:
    """Start everything: embedded PostgreSQL and Redis (unless external URLs are set), migrations,
    the sample project on first start, RQ workers and the API. Ctrl-C stops it all."""
    import uvicorn

    from mireru.db import engine_for, session_factory, unit_of_work
    from mireru.main import create_app
    from mireru.migrate import upgrade
    from mireru.projects.sample import load_sample_project
    from mireru.services.stack import ServiceStack
    from mireru.state import AppState
    from mireru.storage import BlobStore

    _logging()
    settings = _settings(data_dir, host=host, port=port)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    stack = ServiceStack.start(settings)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        engine = engine_for(stack.database_url)
        upgrade(engine)
        marker = settings.data_dir / ".sample-loaded"
        if sample and not marker.exists():
            typer.echo("loading the sample project (first start only)...")
            with unit_of_work(session_factory(engine)) as session:
                load_sample_project(session, BlobStore(settings.blob_dir), settings)
            marker.touch()
        env = _worker_env(settings, stack.database_url, stack.redis_url)
        for _ in range(workers):
            procs.append(subprocess.Popen([sys.executable, "-m", "mireru.cli", "worker"], env=env))
        state = AppState.build(settings, stack.database_url, stack.redis_url)
        typer.echo(
            f"Mireru is up in {time.monotonic() - started:.1f}s: http://{settings.host}:{settings.port} "
            f"(API docs at /docs) - embedded: {', '.join(stack.embedded) or 'none'}; Ctrl-C stops"
        )
        uvicorn.run(create_app(state), host=settings.host, port=settings.port, log_level="info")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        stack.stop()
        typer.echo("Mireru stopped.")


@app.command()
def worker(
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues, in priority order")
    ] = "training,default",
    burst: Annotated[bool, typer.Option(help="Exit when the queues are empty")] = False,
    data_dir: DataDir = None,
) -> None:
    """Run one RQ worker. Point it at a shared PostgreSQL and Redis with MIRERU_DATABASE_URL and
    MIRERU_REDIS_URL to add capacity from other machines."""
    from mireru.services.stack import ServiceStack
    from mireru.worker.entrypoint import run_worker

    _logging()
    settings = _settings(data_dir)
    # Without URLs, attach to (or start) the embedded services of this data dir.
    stack = ServiceStack.start(settings)
    os.environ.update(_worker_env(settings, stack.database_url, stack.redis_url))
    get_settings.cache_clear()
    run_worker(stack.redis_url, [q.strip() for q in queues.split(",") if q.strip()], burst=burst)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head", data_dir: DataDir = None
) -> None:
    """Apply the Alembic migrations (creates the pgvector extension on first run)."""
    from mireru.db import engine_for
    from mireru.migrate import upgrade
    from mireru.services.stack import ServiceStack

    _logging()
    stack = ServiceStack.start(_settings(data_dir))
    try:
        upgrade(engine_for(stack.database_url), revision)
        typer.echo(f"database at revision {revision}")
    finally:
        stack.stop()


@app.command("import")
def import_(
    project: Annotated[str, typer.Argument(help="Project name or id")],
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="zip (ImageFolder or COCO) or CSV")
    ],
    format: Annotated[str | None, typer.Option(help="imagefolder, coco or csv (default: detect)")] = None,
    create: Annotated[bool, typer.Option(help="Create the project if it does not exist")] = True,
    data_dir: DataDir = None,
) -> None:
    """Import a dataset into a project, in this process, with a progress bar."""
    from mireru.transfer import run_cli_import

    _logging()
    run_cli_import(_settings(data_dir), project, path, format, create)


@app.command()
def export(
    project: Annotated[str, typer.Argument(help="Project name or id")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write")],
    format: Annotated[str, typer.Option(help="coco, imagefolder or csv")] = "coco",
    data_dir: DataDir = None,
) -> None:
    """Export a project's items and annotations to a file."""
    from mireru.transfer import run_cli_export

    _logging()
    run_cli_export(_settings(data_dir), project, out, format)


if __name__ == "__main__":
    app()
