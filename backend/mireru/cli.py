"""The `mireru` command: serve, worker, db, backup, restore, users, import, export, eval; `mireru bench`
lives in mireru.bench.cli."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from mireru.bench.cli import bench_app
from mireru.cli_options import DataDir, ints, settings_for, setup_logging
from mireru.config import Settings, get_settings

app = typer.Typer(
    help="Mireru: annotate, train, search and serve images with text and sensor data.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(bench_app, name="bench")
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
eval_app = typer.Typer(help="Evaluate models and spaces.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

log = logging.getLogger("mireru")


def _worker_env(settings: Settings, database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MIRERU_DATABASE_URL": database_url,
            "MIRERU_REDIS_URL": redis_url,
            "MIRERU_DATA_DIR": str(settings.data_dir.resolve()),
        }
    )
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

    from mireru import listeners
    from mireru.datasets.sample import load_sample_project
    from mireru.db import engine_for, session_factory, unit_of_work
    from mireru.main import create_app
    from mireru.migrate import upgrade
    from mireru.services.stack import ServiceStack
    from mireru.state import AppState
    from mireru.storage import BlobStore

    setup_logging()
    listeners.register()  # before the sample project adds items
    settings = settings_for(data_dir, host=host, port=port)
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
                sample_project = load_sample_project(session, BlobStore(settings.blob_dir), settings)
                if sample_project is not None and settings.sample_space:
                    # A real pretrained extractor that works offline; the workers embed it.
                    from mireru.embeddings.service import create_sample_space
                    from mireru.jobs.queue import Dispatcher

                    dispatcher = Dispatcher(stack.redis_url, settings.job_timeout_s)
                    create_sample_space(session, dispatcher, sample_project)
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

    setup_logging()
    settings = settings_for(data_dir)
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

    setup_logging()
    with ServiceStack.start(settings_for(data_dir)) as stack:
        upgrade(engine_for(stack.database_url), revision)
        typer.echo(f"database at revision {revision}")


@app.command("backup")
def backup_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Archive to write (a .tar file)")],
    data_dir: DataDir = None,
) -> None:
    """Back up everything: a PostgreSQL dump and the blob store, in one tar file."""
    from mireru.backup import backup
    from mireru.services.stack import ServiceStack
    from mireru.storage import BlobStore

    settings = settings_for(data_dir)
    with ServiceStack.start(settings) as stack:
        manifest = backup(stack.database_url, BlobStore(settings.blob_dir), out)
        typer.echo(f"wrote {out}: {manifest['projects']} projects, {manifest['items']} items")


@app.command("restore")
def restore_cmd(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file from `mireru backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing the database")] = False,
    data_dir: DataDir = None,
) -> None:
    """Replace the database with a backup's contents and bring back its blobs. Stop the API and
    workers first."""
    from mireru.backup import restore
    from mireru.services.stack import ServiceStack
    from mireru.storage import BlobStore

    if not yes:
        typer.confirm("This replaces everything in the database with the backup. Continue?", abort=True)
    settings = settings_for(data_dir)
    with ServiceStack.start(settings) as stack:
        try:
            manifest = restore(stack.database_url, BlobStore(settings.blob_dir), archive)
            typer.echo(f"restored {archive} from {manifest['created_at']}: {manifest['projects']} projects")
        except (ValueError, RuntimeError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Login name")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters"),
    ],
    data_dir: DataDir = None,
) -> None:
    """Create an administrator. From then on, the API and the web app ask everyone to sign in."""
    from mireru.access.service import create_user
    from mireru.db import engine_for, session_factory, unit_of_work
    from mireru.errors import MireruError
    from mireru.migrate import upgrade
    from mireru.services.stack import ServiceStack

    with ServiceStack.start(settings_for(data_dir)) as stack:
        try:
            engine = engine_for(stack.database_url)
            upgrade(engine)
            with unit_of_work(session_factory(engine)) as session:
                user = create_user(session, username, password, is_admin=True)
            typer.echo(f"created administrator {user.username!r} (id {user.id})")
        except MireruError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(2) from exc


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
    from mireru import listeners
    from mireru.transfer import run_cli_import

    setup_logging()
    listeners.register()  # imported items are embedded into the spaces that follow uploads
    run_cli_import(settings_for(data_dir), project, path, format, create)


@app.command()
def export(
    project: Annotated[str, typer.Argument(help="Project name or id")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write")],
    format: Annotated[str, typer.Option(help="coco, imagefolder or csv")] = "coco",
    data_dir: DataDir = None,
) -> None:
    """Export a project's items and annotations to a file."""
    from mireru.transfer import run_cli_export

    setup_logging()
    run_cli_export(settings_for(data_dir), project, out, format)


@eval_app.command("retrieval")
def eval_retrieval(
    project: Annotated[str, typer.Option(help="Project name or id")],
    space: Annotated[int, typer.Option(help="Embedding space id")],
    split: Annotated[str, typer.Option(help="Comma-separated splits (train, val, test, none)")] = "val,test",
    target: Annotated[str, typer.Option(help="identity_or_label, identity or label")] = "identity_or_label",
    ks: Annotated[str, typer.Option(help="K values of Recall@K and Precision@K")] = "1,5,10",
    write: Annotated[
        bool, typer.Option("--write/--no-write", help="Store the metrics on the space's model version")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="The result as JSON on stdout")] = False,
    data_dir: DataDir = None,
) -> None:
    """Recall@1/5/10, Precision@K and mAP@R (overall and per class) of a space's stored vectors on
    the items of the chosen splits; written to the model version the space was built from."""
    from mireru.evaluation import run_cli_eval

    splits = [s.strip() for s in split.split(",") if s.strip()]
    run_cli_eval(settings_for(data_dir), project, space, splits, target, ints(ks), write, as_json)


if __name__ == "__main__":
    app()
