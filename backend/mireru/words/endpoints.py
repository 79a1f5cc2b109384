"""HTTP routes for word models and word queries (searching items by words is in mireru.search)."""

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi import Path as PathParam
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from mireru.deps import BlobsDep, DbId, DispatcherDep, SessionDep, SettingsDep
from mireru.errors import InvalidInput, PayloadTooLarge
from mireru.projects.service import get_project
from mireru.words import queries, service
from mireru.words.schemas import (
    PHRASE_RULE,
    VectorFormat,
    Word2VecParams,
    WordList,
    WordModelList,
    WordModelRead,
    WordNeighbours,
    WordSearchRequest,
)

router = APIRouter(tags=["words"])

WordPath = Annotated[str, PathParam(min_length=1, max_length=500, description="a word or a phrase")]


def _spool(upload: UploadFile, limit: int, target: Path, what: str) -> None:
    written = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.file.read(1 << 20), b""):
            written += len(chunk)
            if written > limit:
                raise PayloadTooLarge(f"the {what} is larger than the limit of {limit} bytes")
            out.write(chunk)


def _params(fields: dict[str, Any]) -> Word2VecParams:
    try:
        return Word2VecParams.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise InvalidInput(f"{field}: {error['msg']}", field=field) from exc


@router.get("/projects/{project_id}/word-models", response_model=WordModelList, summary="List word models")
def list_word_models(project_id: DbId, session: SessionDep) -> WordModelList:
    """Every word model with its status, dimension, vocabulary statistics, job progress; which is active."""
    return service.list_models(session, get_project(session, project_id))


@router.post(
    "/projects/{project_id}/word-models",
    response_model=WordModelRead,
    status_code=202,
    summary="Train a word2vec model",
)
async def train_word_model(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
    corpus: Annotated[
        UploadFile | None, File(description="optional UTF-8 text (gzip allowed), one sentence per line")
    ] = None,
    name: Annotated[str | None, Form()] = None,
    vector_size: Annotated[int | None, Form(description="2..1000, default 64")] = None,
    window: Annotated[int | None, Form(description="1..50, default 5")] = None,
    min_count: Annotated[int | None, Form(description="1..1000, default 2")] = None,
    epochs: Annotated[int | None, Form(description="1..200, default 10")] = None,
    sg: Annotated[bool | None, Form(description="skip-gram (default) or CBOW (false)")] = None,
    include_items: Annotated[bool | None, Form(description="train on the items' text (default true)")] = None,
    seed: Annotated[int | None, Form()] = None,
    activate: Annotated[bool | None, Form(description="become active once ready (default true)")] = None,
) -> WordModelRead:
    """Train gensim word2vec in a job (`job_id`) on the project's item keywords (a multi-word
    keyword also as one "_"-joined token), metadata strings and text, plus an uploaded corpus.
    Words are stored L2-normalised with an HNSW cosine index; the model becomes the project's
    active one when ready unless `activate` is false."""
    project = get_project(session, project_id)
    params = _params(
        {
            "name": name,
            "vector_size": vector_size,
            "window": window,
            "min_count": min_count,
            "epochs": epochs,
            "sg": sg,
            "include_items": include_items,
            "seed": seed,
            "activate": activate,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path: Path | None = None
        if corpus is not None:
            path = Path(tmp) / "corpus"
            await run_in_threadpool(_spool, corpus, settings.max_import_bytes, path, "corpus")
        model = await run_in_threadpool(
            service.start_training,
            session,
            blobs,
            dispatcher,
            project,
            params,
            path,
            corpus.filename if corpus is not None else None,
        )
    return service.to_read(session, model)


@router.post(
    "/projects/{project_id}/word-models/import",
    response_model=WordModelRead,
    status_code=202,
    summary="Import pretrained word vectors",
)
async def import_word_model(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile,
        File(
            description="word2vec text or binary, GloVe text (no header), or a gensim KeyedVectors "
            "file (kv.save); gzip allowed"
        ),
    ],
    format: Annotated[VectorFormat | None, Form(description="detected from the file when omitted")] = None,
    name: Annotated[str | None, Form(min_length=1, max_length=200)] = None,
    limit: Annotated[
        int | None, Form(ge=1, le=service.MAX_IMPORT_WORDS, description="keep the first N")
    ] = None,
    activate: Annotated[bool, Form(description="become active once imported")] = True,
) -> WordModelRead:
    """Check the file now (a malformed header, record, dimension or encoding is a 422 naming the
    line or word, and nothing is stored) and import it in a job (`job_id`). Vectors are stored
    L2-normalised; repeated words keep their first vector. Dimension at most 2,000."""
    project = get_project(session, project_id)
    filename = file.filename or "vectors"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        await run_in_threadpool(_spool, file, settings.max_import_bytes, path, "vector file")
        model = await run_in_threadpool(
            service.start_import,
            session,
            blobs,
            dispatcher,
            project,
            path,
            filename,
            format,
            name,
            limit,
            activate,
        )
    return service.to_read(session, model)


@router.get(
    "/projects/{project_id}/word-models/{word_model_id}",
    response_model=WordModelRead,
    summary="Get a word model",
)
def get_word_model(project_id: DbId, word_model_id: DbId, session: SessionDep) -> WordModelRead:
    """One word model with its status, statistics and the progress of its job."""
    project = get_project(session, project_id)
    return service.to_read(session, service.get_model(session, project, word_model_id))


@router.post(
    "/projects/{project_id}/word-models/{word_model_id}/activate",
    response_model=WordModelRead,
    summary="Activate a word model",
)
def activate_word_model(project_id: DbId, word_model_id: DbId, session: SessionDep) -> WordModelRead:
    """Make this ready model the one word queries and search by words use."""
    project = get_project(session, project_id)
    model = service.activate(session, service.get_model(session, project, word_model_id))
    return service.to_read(session, model)


@router.delete(
    "/projects/{project_id}/word-models/{word_model_id}", status_code=204, summary="Delete a word model"
)
def delete_word_model(
    project_id: DbId, word_model_id: DbId, session: SessionDep, blobs: BlobsDep, dispatcher: DispatcherDep
) -> Response:
    """Delete the model and its words; its vector index is dropped by a background job."""
    project = get_project(session, project_id)
    service.delete_model(session, blobs, dispatcher, service.get_model(session, project, word_model_id))
    return Response(status_code=204)


@router.get("/projects/{project_id}/words", response_model=WordList, summary="List words (autocomplete)")
def list_words(
    project_id: DbId,
    session: SessionDep,
    prefix: Annotated[str, Query(max_length=200, description="case-sensitive start of the word")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> WordList:
    """Words of the active word model starting with `prefix`, most frequent first (for keyword
    autocomplete; phrases appear "_"-joined)."""
    return queries.list_words(session, project_id, prefix, limit)


@router.get(
    "/projects/{project_id}/words/{word}/neighbours",
    response_model=WordNeighbours,
    summary="Nearest words",
    description="The k words nearest to a word or phrase in the active word model, by cosine "
    f"similarity (pgvector HNSW); the query's own words are left out. {PHRASE_RULE}",
)
def word_neighbours(
    project_id: DbId, word: WordPath, session: SessionDep, k: Annotated[int, Query(ge=1, le=1000)] = 10
) -> WordNeighbours:
    return queries.neighbours(session, project_id, word, k)


@router.post(
    "/projects/{project_id}/words/search",
    response_model=WordNeighbours,
    summary="Search words",
    description="The k words nearest to a `word`, a `phrase` or a `vector` (of the word model's "
    f"dimension; normalised) in the active word model, by cosine similarity. {PHRASE_RULE}",
)
def search_words(project_id: DbId, request: WordSearchRequest, session: SessionDep) -> WordNeighbours:
    return queries.search_words(session, project_id, request)
