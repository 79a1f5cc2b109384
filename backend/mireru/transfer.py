"""`mireru import` / `mireru export`: the dataset services run in-process for the CLI."""

import shutil
from pathlib import Path
from typing import get_args

import typer
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.datasets import service
from mireru.datasets.schemas import ExportFormat, ImportFormat
from mireru.db import engine_for, session_factory, unit_of_work
from mireru.errors import MireruError
from mireru.items.schemas import ItemFilter
from mireru.migrate import upgrade
from mireru.models import Project
from mireru.projects import repository as projects_repo
from mireru.projects.schemas import ProjectCreate
from mireru.projects.service import create_project
from mireru.services.stack import ServiceStack
from mireru.storage import BlobStore


def _find_project(session: Session, ref: str) -> Project | None:
    if ref.isdigit():
        return projects_repo.get(session, int(ref))
    return projects_repo.get_by_name(session, ref)


def _check_format(fmt: str | None, allowed: tuple[str, ...]) -> None:
    if fmt is not None and fmt not in allowed:
        raise typer.BadParameter(f"format must be one of {', '.join(allowed)}, not {fmt!r}")


def _fail(exc: MireruError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(2)


def run_cli_import(settings: Settings, project_ref: str, path: Path, fmt: str | None, create: bool) -> None:
    _check_format(fmt, get_args(ImportFormat))
    try:
        # Check the file before touching the database, so a bad file leaves no empty project.
        plan, archive = service.open_plan(path, path.name, fmt)
    except MireruError as exc:
        raise _fail(exc) from exc
    if archive is not None:
        archive.close()
    with ServiceStack.start(settings) as stack:
        engine = engine_for(stack.database_url)
        upgrade(engine)
        sessions = session_factory(engine)
        blobs = BlobStore(settings.blob_dir)
        with unit_of_work(sessions) as session:
            project = _find_project(session, project_ref)
            if project is None:
                if not create:
                    raise typer.BadParameter(f"no project {project_ref!r}")
                project = create_project(session, ProjectCreate(name=project_ref), settings)
            project_id = project.id
        plan, archive = service.open_plan(path, path.name, fmt)
        try:
            with typer.progressbar(length=len(plan.records), label=f"importing {path.name}") as bar:
                done_so_far = [0]

                def advance(done: int, _total: int) -> None:
                    bar.update(done - done_so_far[0])
                    done_so_far[0] = done

                result = service.import_all(sessions, blobs, settings, project_id, plan, archive, advance)
        finally:
            if archive is not None:
                archive.close()
        typer.echo(result.model_dump_json(indent=2))


def run_cli_export(settings: Settings, project_ref: str, out: Path, fmt: str) -> None:
    _check_format(fmt, get_args(ExportFormat))
    with ServiceStack.start(settings) as stack:
        sessions = session_factory(engine_for(stack.database_url))
        with unit_of_work(sessions) as session:
            project = _find_project(session, project_ref)
            if project is None:
                raise typer.BadParameter(f"no project {project_ref!r}")
            data, _, _ = service.export(session, BlobStore(settings.blob_dir), project, fmt, ItemFilter())  # type: ignore[arg-type]  # checked above
        with out.open("wb") as f:
            shutil.copyfileobj(data, f)
        typer.echo(f"wrote {out}")
