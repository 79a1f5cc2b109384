"""HTTP routes for imports and exports, and for loading the sample project."""

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mireru.access.service import on_project_created
from mireru.datasets import service
from mireru.datasets.sample import SAMPLE_NAME, load_sample_project
from mireru.datasets.schemas import ExportFormat, ImportFormat
from mireru.deps import BlobsDep, CurrentPrincipal, DbId, DispatcherDep, SessionDep, SettingsDep
from mireru.errors import PayloadTooLarge
from mireru.items.query_params import item_filter
from mireru.items.schemas import ItemFilter
from mireru.jobs.schemas import JobRead
from mireru.projects import repository as projects_repo
from mireru.projects import service as projects
from mireru.projects.schemas import ProjectRead
from mireru.projects.service import get_project

router = APIRouter(tags=["datasets"])
# The sample project is documented with the project routes, where clients grouped by tag look.
sample_router = APIRouter(tags=["projects"])


@sample_router.post(
    "/projects/sample",
    response_model=ProjectRead,
    status_code=201,
    summary="Create the sample project",
    responses={200: {"model": ProjectRead, "description": "It already exists"}},
)
def create_sample_project(
    session: SessionDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ProjectRead:
    """Load the sample project (photos and handwritten digits from installed packages, with
    labels, keywords and sensor readings); answers the existing one with 200 if it is there."""
    existing = projects_repo.get_by_name(session, SAMPLE_NAME)
    if existing is not None:
        response.status_code = 200
        return projects.to_read(session, existing)
    project = load_sample_project(session, blobs, settings)
    assert project is not None
    on_project_created(session, principal, project)
    return projects.to_read(session, project)


def _spool(upload: UploadFile, limit: int, target: Path) -> None:
    written = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.file.read(1 << 20), b""):
            written += len(chunk)
            if written > limit:
                raise PayloadTooLarge(f"the import is larger than the limit of {limit} bytes")
            out.write(chunk)


@router.post(
    "/projects/{project_id}/imports", response_model=JobRead, status_code=202, summary="Import a dataset"
)
async def start_import(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="a zip (ImageFolder tree or COCO JSON + images) or a CSV")],
    format: Annotated[ImportFormat | None, Form(description="detected from the upload when omitted")] = None,
) -> JobRead:
    """Check the upload's structure now (4xx if malformed) and import it as a background job;
    follow it at `/api/v1/jobs/{id}`. A CSV alone updates items already in the project, matched
    by file name; a CSV inside a zip annotates the images beside it."""
    project = get_project(session, project_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        await run_in_threadpool(_spool, file, settings.max_import_bytes, path)
        job = await run_in_threadpool(
            service.start_import, session, blobs, dispatcher, project, path, file.filename or "upload", format
        )
    return JobRead.model_validate(job)


@router.get(
    "/projects/{project_id}/export",
    summary="Export items and annotations",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}, "text/csv": {}}}},
)
def export(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    filters: Annotated[ItemFilter, Depends(item_filter)],
    format: Annotated[ExportFormat, Query(description="coco or imagefolder (zip with images), csv")] = "coco",
) -> StreamingResponse:
    """Download the (filtered) items: COCO zip, ImageFolder zip with mireru.csv, or CSV only.
    Importing the zip into another project reproduces every item and annotation."""
    project = get_project(session, project_id)
    out, media, name = service.export(session, blobs, project, format, filters)

    def chunks() -> Iterator[bytes]:
        try:
            yield from iter(lambda: out.read(1 << 20), b"")
        finally:
            out.close()

    return StreamingResponse(
        chunks(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
