"""Word model rules: train word2vec on the project's text or import pretrained vectors (checked
in the request, stored by a job), activate one, delete one.

Active model: a project has at most one; word queries and search by words use it. A model
becomes active when it is ready unless it was created with `activate` false, so the latest
ready model wins by default; `POST .../word-models/{id}/activate` switches explicitly.
Never commits.
"""

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.db import after_commit
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import DEFAULT_QUEUE, Dispatcher
from mireru.ml.words.corpus import check_corpus
from mireru.ml.words.errors import VectorFileError
from mireru.ml.words.vector_files import Format, inspect_file
from mireru.models import Project, WordModel
from mireru.registry.service import deployed_version
from mireru.storage import BlobStore
from mireru.words import repository

# The word-vector services other domains call (training snapshots, prediction, search):
from mireru.words.queries import nearest_words_for_vectors as nearest_words_for_vectors
from mireru.words.queries import vectors_for_words as vectors_for_words
from mireru.words.queries import word_vectors_for as word_vectors_for
from mireru.words.schemas import Word2VecParams, WordModelList, WordModelRead

TRAIN_JOB = "mireru.words.jobs.run_train"
IMPORT_JOB = "mireru.words.jobs.run_import"
CLEANUP_JOB = "mireru.words.jobs.run_drop_orphaned_indexes"
FILL_JOB = "mireru.words.jobs.fill_keyword_vectors"
KEYWORDS_SLOT = "keywords"
# Uploads up to this size are read completely in the request; larger ones have their first
# CHECK_RECORDS records checked there and the rest by the job (which stores nothing on failure).
FULL_CHECK_BYTES = 32 * 1024 * 1024
CHECK_RECORDS = 10_000
MAX_IMPORT_WORDS = 2_000_000
UNFINISHED = ("queued", "running")


# --- reading --------------------------------------------------------------------------------------


def get_model(session: Session, project: Project, model_id: int) -> WordModel:
    model = repository.get_model(session, project.id, model_id)
    if model is None:
        raise NotFound(f"word model {model_id} does not exist in project {project.id}")
    return model


def _job_died(model: WordModel, jobs: dict[str, tuple[str, dict[str, Any], str | None]]) -> str | None:
    """The error of a job that ended without finishing the model (its worker was killed and the
    reaper failed the job): the model row still says queued or running."""
    if model.status not in UNFINISHED or model.job_id not in jobs:
        return None
    status, _, error = jobs[model.job_id]
    return (error or f"the job ended {status}") if status in ("failed", "succeeded") else None


def _reads(session: Session, models: list[WordModel]) -> list[WordModelRead]:
    jobs = repository.jobs_state(session, [m.job_id for m in models if m.job_id])
    reads = []
    for m in models:
        progress = None
        status, error = m.status, m.error
        if m.job_id in jobs and jobs[m.job_id][0] in UNFINISHED:
            progress = {"job_id": m.job_id, "status": jobs[m.job_id][0], **jobs[m.job_id][1]}
        died = _job_died(m, jobs)
        if died is not None:
            status, error = "failed", died
        reads.append(
            WordModelRead(
                id=m.id,
                project_id=m.project_id,
                name=m.name,
                source=m.source,
                dimension=m.dimension,
                status=status,
                params=m.params,
                stats=m.stats,
                active=m.is_active,
                job_id=m.job_id,
                progress=progress,
                error=error,
                created_at=m.created_at,
                updated_at=m.updated_at,
            )
        )
    return reads


def to_read(session: Session, model: WordModel) -> WordModelRead:
    session.flush()
    session.refresh(model)
    return _reads(session, [model])[0]


def list_models(session: Session, project: Project) -> WordModelList:
    models = repository.list_models(session, project.id)
    active = next((m.id for m in models if m.is_active), None)
    return WordModelList(models=_reads(session, models), active_word_model_id=active)


# --- creating -------------------------------------------------------------------------------------


def _queue(
    session: Session, dispatcher: Dispatcher, model: WordModel, kind: str, func: str, extra: dict[str, Any]
) -> None:
    job = jobs_repo.create(session, kind, DEFAULT_QUEUE, model.project_id, {"word_model_id": model.id})
    model.job_id = job.id
    kwargs = {"job_id": job.id, "word_model_id": model.id, **extra}
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, func, job.id, kwargs)
    session.flush()


def start_training(
    session: Session,
    blobs: BlobStore,
    dispatcher: Dispatcher,
    project: Project,
    params: Word2VecParams,
    corpus: Path | None,
    corpus_name: str | None,
) -> WordModel:
    """Check the corpus upload (UTF-8 text, gzip allowed) and that there is text to train on,
    then queue the training job."""
    stored: dict[str, Any] = params.model_dump(exclude={"name"})
    if corpus is not None:
        try:
            tokens = check_corpus(corpus)
        except VectorFileError as exc:
            raise InvalidInput(str(exc), field="corpus") from exc
        if tokens == 0:
            raise InvalidInput("the corpus file holds no words", field="corpus")
        digest, _ = blobs.put_file(corpus)
        stored.update(corpus_sha256=digest, corpus_filename=corpus_name, corpus_tokens=tokens)
    elif not params.include_items:
        raise InvalidInput("nothing to train on: upload a corpus or set include_items", field="corpus")
    elif not repository.has_text(session, project.id):
        raise InvalidInput(
            f"project {project.id} has no item text, keywords or metadata to train on; upload a corpus",
            field="corpus",
        )
    model = repository.add_model(
        session,
        WordModel(
            project_id=project.id,
            name=params.name or f"word2vec {params.vector_size}-d",
            source="trained",
            status="queued",
            params=stored,
            stats={},
            is_active=False,
        ),
    )
    _queue(session, dispatcher, model, "word_model_train", TRAIN_JOB, {})
    return model


def start_import(
    session: Session,
    blobs: BlobStore,
    dispatcher: Dispatcher,
    project: Project,
    upload: Path,
    filename: str,
    fmt: Format | None,
    name: str | None,
    limit: int | None,
    activate: bool,
) -> WordModel:
    """Check the upload (format, header, dimension, records: a 422 names the problem and stores
    nothing), keep it in the blob store and queue the import job."""
    size = upload.stat().st_size
    if size == 0:
        raise InvalidInput(f"{filename}: the uploaded file is empty", field="file")
    try:
        info, checked = inspect_file(upload, fmt, None if size <= FULL_CHECK_BYTES else CHECK_RECORDS)
    except VectorFileError as exc:
        raise InvalidInput(f"{filename}: {exc}", field="file") from exc
    if info.declared_words is not None and info.declared_words > MAX_IMPORT_WORDS and limit is None:
        raise InvalidInput(
            f"{filename} holds {info.declared_words} words; import at most {MAX_IMPORT_WORDS} "
            "(set limit to keep the first ones)",
            field="limit",
        )
    digest, _ = blobs.put_file(upload)
    params: dict[str, Any] = {
        "format": info.format,
        "filename": filename,
        "file_sha256": digest,
        "size_bytes": size,
        "limit": limit or MAX_IMPORT_WORDS,
        "activate": activate,
        "checked_records": checked,
    }
    model = repository.add_model(
        session,
        WordModel(
            project_id=project.id,
            name=name or filename,
            source="imported",
            dimension=info.dimension,
            status="queued",
            params=params,
            stats={},
            is_active=False,
        ),
    )
    _queue(session, dispatcher, model, "word_model_import", IMPORT_JOB, {})
    return model


# --- changing -------------------------------------------------------------------------------------


def activate(session: Session, model: WordModel) -> WordModel:
    """Make a ready model the one word queries and search by words use."""
    if model.status != "ready":
        raise Conflict(
            f"word model {model.id} is {model.status}; only a ready model can be activated",
            word_model_id=model.id,
            status=model.status,
        )
    if not model.is_active:
        repository.make_active(session, model)
    return model


def delete_model(session: Session, blobs: BlobStore, dispatcher: Dispatcher, model: WordModel) -> None:
    """Delete the model and its words; its vector index is dropped by a background job, never
    inside this request's transaction, and its uploaded file once nothing else refers to it."""
    jobs = repository.jobs_state(session, [model.job_id] if model.job_id else [])
    if model.status in UNFINISHED and _job_died(model, jobs) is None:
        raise Conflict(
            f"word model {model.id} is {model.status}; delete it once its job has finished",
            word_model_id=model.id,
            status=model.status,
        )
    digests = [d for d in (model.params.get("file_sha256"), model.params.get("corpus_sha256")) if d]
    orphaned = [str(d) for d in digests if not repository.blob_in_use(session, str(d), model.id)]
    project_id = model.project_id
    repository.delete_model(session, model)
    for digest in orphaned:
        after_commit(session, lambda digest=digest: blobs.delete(digest))  # type: ignore[misc]
    job = jobs_repo.create(session, "word_index_cleanup", DEFAULT_QUEUE, project_id, {})
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, CLEANUP_JOB, job.id, {"job_id": job.id})


def queue_keyword_vectors(
    session: Session,
    dispatcher: Dispatcher,
    project_id: int,
    model_version_id: int,
    item_ids: list[int] | None = None,
) -> str:
    """Fill `item_keyword_vectors` with a keywords version's outputs for every item (or for
    `item_ids`), after the request commits; returns the job id."""
    params: dict[str, Any] = {"model_version_id": model_version_id}
    if item_ids is not None:
        params["items"] = len(item_ids)
    job = jobs_repo.create(session, "keyword_vectors", DEFAULT_QUEUE, project_id, params)
    kwargs = {
        "job_id": job.id,
        "project_id": project_id,
        "model_version_id": model_version_id,
        "item_ids": item_ids,
    }
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, FILL_JOB, job.id, kwargs)
    return job.id


def follow_upload(session: Session, settings: Settings, project_id: int, item_ids: list[int]) -> None:
    """New items get the deployed keywords version's output vectors too (once this transaction
    commits), so search by words finds them without another deploy."""
    if not item_ids:
        return
    version = deployed_version(session, project_id, "keywords")
    if version is not None:
        queue_keyword_vectors(
            session, Dispatcher.for_settings(settings), project_id, version.id, list(item_ids)
        )
