"""HTTP routes for similarity search: by item, vector, text or image, and by words."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import ValidationError

from mireru.deps import DbId, SessionDep, SettingsDep
from mireru.errors import InvalidInput, PayloadTooLarge
from mireru.search import by_words, service
from mireru.search.schemas import (
    ItemWordSearchRequest,
    ItemWordSearchResponse,
    SearchOptions,
    SearchRequest,
    SearchResponse,
)
from mireru.words.schemas import PHRASE_RULE

router = APIRouter(tags=["search"])
# Search by words is documented with the word routes, where clients grouped by tag look.
words_router = APIRouter(tags=["words"])


@router.post("/projects/{project_id}/search", response_model=SearchResponse, summary="Search similar items")
def search(
    project_id: DbId, request: SearchRequest, session: SessionDep, settings: SettingsDep
) -> SearchResponse:
    """The k items nearest to an item (`item_id`; the item itself comes first unless
    `exclude_self`), a `vector`, or a `text` (models with a text tower), among items matching
    `filters`, best first. k rows come back whenever k items match the filter."""
    query = service.Query(item_id=request.item_id, vector=request.vector, text=request.text)
    return service.search(session, settings, project_id, request, query)


@router.post(
    "/projects/{project_id}/search/image", response_model=SearchResponse, summary="Search with an image"
)
def search_image(
    project_id: DbId,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the query image")],
    k: Annotated[int, Form(ge=1, le=1000)] = 10,
    space_id: Annotated[int | None, Form()] = None,
    filters: Annotated[str | None, Form(description='JSON object, e.g. {"label": "cat"}')] = None,
    ef_search: Annotated[int | None, Form(ge=1, le=1000)] = None,
    probes: Annotated[int | None, Form(ge=1, le=32768)] = None,
    exact: Annotated[bool, Form()] = False,
) -> SearchResponse:
    """The k items nearest to an uploaded image, with the same options as the JSON search."""
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the image is larger than the limit of {settings.max_upload_bytes} bytes")
    fields: dict[str, Any] = {
        "k": k,
        "space_id": space_id,
        "ef_search": ef_search,
        "probes": probes,
        "exact": exact,
    }
    if filters:
        try:
            fields["filters"] = json.loads(filters)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"filters: malformed JSON ({exc.msg})", field="filters") from exc
    try:
        options = SearchOptions.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(f"invalid search options: {exc.errors()[0]['msg']}", field="filters") from exc
    return service.search(session, settings, project_id, options, service.Query(image=data))


@words_router.post(
    "/projects/{project_id}/search/words",
    response_model=ItemWordSearchResponse,
    summary="Search items by words",
    description="The k items best matching one or more words, also words no item was tagged with, "
    "among items matching `filters`. With a deployed keywords model whose item vectors are stored, "
    "items are ranked by their output vector nearest to the words (`via` keyword-model); otherwise "
    "by the project keywords nearest to the words in the word space (`via` word-neighbours). "
    f"{PHRASE_RULE}",
)
def search_items_by_words(
    project_id: DbId, request: ItemWordSearchRequest, session: SessionDep
) -> ItemWordSearchResponse:
    return by_words.search_items_by_words(
        session, project_id, request.words, request.k, request.filters, request.combine
    )
