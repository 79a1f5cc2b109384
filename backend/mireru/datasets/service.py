"""Import and export rules: check the upload now, do the work in a job, skip bad records with a
reason instead of failing the whole import."""

import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session, sessionmaker

from mireru.annotations import service as annotations
from mireru.annotations.schemas import AnnotationsPatch, AnnotationsPut, BoxIn
from mireru.config import Settings
from mireru.datasets import writers
from mireru.datasets.archive import SafeZip
from mireru.datasets.readers import ImportPlan, plan_import
from mireru.datasets.records import ImportRecord
from mireru.datasets.schemas import ExportFormat, ImportResult, SkippedRecord
from mireru.db import unit_of_work
from mireru.errors import MireruError, NotFound
from mireru.items import repository as items_repo
from mireru.items import service as items
from mireru.items.schemas import ItemFilter, ItemRead
from mireru.jobs import repository as jobs_repo
from mireru.models import Item, Job, Project
from mireru.storage import BlobStore
from mireru.worker.queues import DEFAULT_QUEUE, Dispatcher

IMPORT_JOB = "mireru.datasets.jobs.run_import"
MAX_LISTED_ERRORS = 100
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
    job = jobs_repo.create(session, "import", DEFAULT_QUEUE, project.id, params)
    kwargs = {"job_id": job.id, "project_id": project.id, "blob": digest, "fmt": plan.format,
              "upload_name": upload_name}  # fmt: skip
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, IMPORT_JOB, job.id, kwargs)
    return job


def _boxes(record: ImportRecord) -> list[BoxIn]:
    return [BoxIn(label=b.label, x=b.x, y=b.y, w=b.w, h=b.h) for b in record.boxes]


def _annotate_new(session: Session, item: Item, rec: ImportRecord) -> None:
    data = AnnotationsPut(
        labels=rec.labels, keywords=rec.keywords, identity=rec.identity,
        split=rec.split, boxes=_boxes(rec),
    )  # fmt: skip
    annotations.put_annotations(session, item, data)


def _annotate_existing(session: Session, item: Item, rec: ImportRecord) -> None:
    """Fold imported annotations into an item that was already there: labels and keywords are
    added, identity/split/boxes/text replaced only when the import has them, metadata merged."""
    changes: dict[str, object] = {"add_labels": rec.labels, "add_keywords": rec.keywords}
    if rec.identity:
        changes["identity"] = rec.identity
    if rec.split:
        changes["split"] = rec.split
    if rec.boxes:
        changes["boxes"] = _boxes(rec)
    patch = AnnotationsPatch.model_validate(changes)
    annotations.patch_annotations(session, item, patch)
    if rec.metadata:
        item.meta = {**item.meta, **rec.metadata}
    if rec.measurements:
        item.measurements = {**item.measurements, **rec.measurements}
    if rec.text is not None:
        item.text = rec.text


def _import_one(
    session: Session, blobs: BlobStore, settings: Settings, project: Project,
    rec: ImportRecord, archive: SafeZip | None, result: ImportResult,
) -> None:  # fmt: skip
    if rec.path is not None and archive is not None:
        image = items.NewImage(
            filename=rec.filename, data=archive.read(rec.path, settings.max_upload_bytes),
            metadata=rec.metadata, measurements=rec.measurements, text=rec.text,
        )  # fmt: skip
        [(item, duplicate)] = items.add_images(session, blobs, settings, project, [image])
        if duplicate:
            _annotate_existing(session, item, rec)
            result.duplicates += 1
        else:
            _annotate_new(session, item, rec)
            result.created += 1
        return
    found = items_repo.find_by_filename(session, project.id, [rec.filename]).get(rec.filename)
    if found is None:
        raise NotFound(f"no item named {rec.filename!r} in the project")
    _annotate_existing(session, found, rec)
    result.updated += 1


def import_batch(
    session: Session, blobs: BlobStore, settings: Settings, project_id: int,
    records: list[ImportRecord], archive: SafeZip | None, result: ImportResult,
) -> None:  # fmt: skip
    """Import records in one transaction; each in its own savepoint so a bad one is skipped."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} was deleted during the import")
    for rec in records:
        try:
            with session.begin_nested():
                _import_one(session, blobs, settings, project, rec, archive, result)
        except MireruError as exc:
            result.skipped += 1
            if len(result.errors) < MAX_LISTED_ERRORS:
                result.errors.append(SkippedRecord(filename=rec.path or rec.filename, error=exc.message))


def import_all(
    sessions: sessionmaker[Session], blobs: BlobStore, settings: Settings, project_id: int,
    plan: ImportPlan, archive: SafeZip | None, on_progress: Callable[[int, int], None],
) -> ImportResult:  # fmt: skip
    """Import a whole plan in batches, each committed, reporting (done, total) after each."""
    result = ImportResult(format=plan.format, records=len(plan.records))
    total = len(plan.records)
    for start in range(0, total, IMPORT_BATCH):
        batch = plan.records[start : start + IMPORT_BATCH]
        with unit_of_work(sessions) as session:
            import_batch(session, blobs, settings, project_id, batch, archive, result)
        on_progress(start + len(batch), total)
    return result


def open_plan(path: Path, upload_name: str, fmt: str | None) -> tuple[ImportPlan, SafeZip | None]:
    """Read an upload again in the job (the request already checked it)."""
    return plan_import(path, upload_name, fmt)


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
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  # the caller streams and closes it
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in project.name) or "project"
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writers.write_csv(rows, {i.id: i.filename for i in rows}, text)
        text.detach()
        media, name = "text/csv", f"{stem}.csv"
    elif fmt == "coco":
        writers.write_coco(rows, blobs, out)
        media, name = "application/zip", f"{stem}-coco.zip"
    else:
        writers.write_imagefolder(rows, blobs, out)
        media, name = "application/zip", f"{stem}-imagefolder.zip"
    out.seek(0)
    return out, media, name
