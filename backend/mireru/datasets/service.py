"""Import and export rules: check the upload now, do the work in a job, skip bad records with a
reason instead of failing the whole import."""

import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session, sessionmaker

from mireru.annotations import service as annotations
from mireru.config import Settings
from mireru.datasets import repository, writers
from mireru.datasets.archive import SafeZip
from mireru.datasets.importer import ImportedNames, import_batch, link_positives
from mireru.datasets.readers import ImportPlan, plan_import
from mireru.datasets.schemas import ExportFormat, ImportResult
from mireru.db import unit_of_work
from mireru.errors import NotFound
from mireru.items import service as items
from mireru.items.repository import filter_conditions
from mireru.items.schemas import ItemFilter, ItemRead
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import DEFAULT_QUEUE, Dispatcher
from mireru.models import Job, Project
from mireru.pairs import repository as pairs_repo
from mireru.storage import BlobStore

IMPORT_JOB = "mireru.datasets.jobs.run_import"
IMPORT_BATCH = 25
SPOOL_BYTES = 64 * 1024 * 1024


def start_import(
    session: Session,
    blobs: BlobStore,
    dispatcher: Dispatcher,
    project: Project,
    upload: Path,
    upload_name: str,
    fmt: str | None,
) -> Job:
    """Check the upload's structure (4xx if malformed), keep it in the blob store, queue a job."""
    plan, archive = plan_import(upload, upload_name, fmt)
    if archive is not None:
        archive.close()
    digest, _ = blobs.put_file(upload)
    params = {"blob": digest, "format": plan.format, "filename": upload_name, "records": len(plan.records)}
    job = jobs_repo.create(session, repository.IMPORT_KIND, DEFAULT_QUEUE, project.id, params)
    kwargs = {
        "job_id": job.id,
        "project_id": project.id,
        "blob": digest,
        "fmt": plan.format,
        "upload_name": upload_name,
    }
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, IMPORT_JOB, job.id, kwargs)
    return job


def open_plan(path: Path, upload_name: str, fmt: str | None) -> tuple[ImportPlan, SafeZip | None]:
    """Read an upload again in the job (the request already checked it)."""
    return plan_import(path, upload_name, fmt)


def import_all(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    settings: Settings,
    project_id: int,
    plan: ImportPlan,
    archive: SafeZip | None,
    on_progress: Callable[[int, int], None],
) -> ImportResult:
    """Import a whole plan in batches, each committed, reporting (done, total) after each."""
    result = ImportResult(format=plan.format, records=len(plan.records))
    if plan.classes:
        with unit_of_work(sessions) as session:
            if session.get(Project, project_id) is None:
                raise NotFound(f"project {project_id} does not exist")
            annotations.ensure_classes(session, project_id, plan.classes)
    total = len(plan.records)
    names: ImportedNames = {}
    for start in range(0, total, IMPORT_BATCH):
        batch = plan.records[start : start + IMPORT_BATCH]
        with unit_of_work(sessions) as session:
            import_batch(session, blobs, settings, project_id, batch, archive, result, names)
        on_progress(start + len(batch), total)
    if any(rec.positives for rec in plan.records):
        with unit_of_work(sessions) as session:
            link_positives(session, project_id, plan.records, names, result)
    return result


def release_upload(sessions: sessionmaker[Session], blobs: BlobStore, digest: str, job_id: str) -> None:
    """Delete an import's uploaded file once no other unfinished import needs the same bytes."""
    with unit_of_work(sessions) as session:
        if not repository.upload_in_use(session, digest, job_id):
            blobs.delete(digest)


# --- export ------------------------------------------------------------------------------------


def _all_items(session: Session, project: Project, f: ItemFilter, page: int = 1000) -> Iterator[ItemRead]:
    offset = 0
    while True:
        batch, _ = items.list_items(session, project, f, page, offset)
        yield from batch
        if len(batch) < page:
            return
        offset += page


def export(
    session: Session, blobs: BlobStore, project: Project, fmt: ExportFormat, f: ItemFilter
) -> tuple[IO[bytes], str, str]:
    """Write the export to a spooled temporary file; returns (file, media type, download name)."""
    rows = list(_all_items(session, project, f))
    partners: dict[int, list[int]] = {}
    for a, b in pairs_repo.pairs_among(session, filter_conditions(project.id, f)):
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  # the caller streams and closes it
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in project.name) or "project"
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writers.write_csv(rows, {i.id: i.filename for i in rows}, text, partners)
        text.detach()
        media, name = "text/csv", f"{stem}.csv"
    elif fmt == "coco":
        writers.write_coco(rows, blobs, out, partners)
        media, name = "application/zip", f"{stem}-coco.zip"
    else:
        writers.write_imagefolder(rows, blobs, out, partners)
        media, name = "application/zip", f"{stem}-imagefolder.zip"
    out.seek(0)
    return out, media, name
