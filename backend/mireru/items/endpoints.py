"""HTTP routes for items: upload, list, get, edit, download, delete."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from mireru.deps import BlobsDep, DbId, SessionDep, SettingsDep
from mireru.errors import InvalidInput, PayloadTooLarge
from mireru.items import repository, service
from mireru.items.query_params import item_filter
from mireru.items.schemas import (
    BulkDelete,
    BulkDeleted,
    Fields,
    ItemFilter,
    ItemList,
    ItemRead,
    ItemUpdate,
    KeyCount,
    Neighbours,
    ReadingRange,
    UploadResult,
)
from mireru.projects.service import get_project
from mireru.storage import BlobStore

router = APIRouter(tags=["items"])


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(
            f"{upload.filename}: file is larger than the limit of {limit} bytes",
            filename=upload.filename,
            max_bytes=limit,
        )
    return data


@router.post(
    "/projects/{project_id}/items",
    response_model=UploadResult,
    status_code=201,
    summary="Upload one or many images",
)
async def upload_items(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="one or more image files")],
    metadata: Annotated[
        str | None, Form(description="JSON object for every file, or a JSON list with one per file")
    ] = None,
    measurements: Annotated[
        str | None, Form(description="JSON object of numeric readings (or a list, one per file)")
    ] = None,
    text: Annotated[str | None, Form(description="free text (or a JSON list of strings)")] = None,
) -> UploadResult:
    """Store images with their metadata, sensor readings and text. An image already in the
    project (same sha256) is not stored again: its entry says `"duplicate": true`. The request is
    all-or-nothing: one bad file rejects it with an error naming that file."""
    project = get_project(session, project_id)
    if not files:
        raise InvalidInput("no files were sent; use the multipart field 'files'")
    if len(files) > settings.max_files_per_request:
        raise PayloadTooLarge(
            f"{len(files)} files in one request; the limit is {settings.max_files_per_request}"
        )
    raw = [(f.filename or "upload", await _read_capped(f, settings.max_upload_bytes)) for f in files]
    images = service.build_new_images(raw, metadata, measurements, text)
    # Decoding and thumbnailing are CPU work: keep them off the event loop.
    pairs = await run_in_threadpool(service.add_images, session, blobs, settings, project, images)
    return UploadResult(items=service.to_uploaded(pairs))


@router.get("/projects/{project_id}/items", response_model=ItemList, summary="List and filter items")
def list_items(
    project_id: DbId,
    session: SessionDep,
    filters: Annotated[ItemFilter, Depends(item_filter)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemList:
    """Items in upload order with their annotations; `total` counts all matches."""
    project = get_project(session, project_id)
    items, total = service.list_items(session, project, filters, limit, offset)
    return ItemList(items=items, total=total, limit=limit, offset=offset)


@router.get("/projects/{project_id}/items/{item_id}", response_model=ItemRead, summary="Get an item")
def get_item(project_id: DbId, item_id: DbId, session: SessionDep) -> ItemRead:
    """One item with metadata, measurements, text and annotations."""
    project = get_project(session, project_id)
    return service.to_read(service.get_item(session, project, item_id))


@router.patch("/projects/{project_id}/items/{item_id}", response_model=ItemRead, summary="Edit an item")
def update_item(project_id: DbId, item_id: DbId, data: ItemUpdate, session: SessionDep) -> ItemRead:
    """Change filename, metadata, measurements or text; omitted fields are kept."""
    project = get_project(session, project_id)
    item = service.update_item(session, service.get_item(session, project, item_id), data)
    return service.to_read(service.get_item(session, project, item.id))


def _blob_response(blobs: BlobStore, digest: str, media_type: str, request: Request) -> Response:
    etag = f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return FileResponse(blobs.path(digest), media_type=media_type, headers=headers)


@router.get(
    "/projects/{project_id}/items/{item_id}/image",
    summary="Download the original image",
    response_class=FileResponse,
    responses={200: {"content": {"image/*": {}}}},
)
def get_image(
    project_id: DbId, item_id: DbId, session: SessionDep, blobs: BlobsDep, request: Request
) -> Response:
    """The uploaded bytes, unchanged."""
    item = service.get_item(session, get_project(session, project_id), item_id)
    return _blob_response(blobs, item.sha256, item.media_type, request)


@router.get(
    "/projects/{project_id}/items/{item_id}/thumbnail",
    summary="Download a JPEG thumbnail",
    response_class=FileResponse,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def get_thumbnail(
    project_id: DbId, item_id: DbId, session: SessionDep, blobs: BlobsDep, request: Request
) -> Response:
    """A JPEG whose longer side is at most the configured thumbnail size (256 px by default)."""
    item = service.get_item(session, get_project(session, project_id), item_id)
    return _blob_response(blobs, item.thumb_sha256, "image/jpeg", request)


@router.delete("/projects/{project_id}/items/{item_id}", status_code=204, summary="Delete an item")
def delete_item(project_id: DbId, item_id: DbId, session: SessionDep, blobs: BlobsDep) -> Response:
    """Delete the item and its annotations; its files go once no other item shares them."""
    item = service.get_item(session, get_project(session, project_id), item_id)
    service.delete_item(session, blobs, item)
    return Response(status_code=204)


@router.post("/projects/{project_id}/items/delete", response_model=BulkDeleted, summary="Delete many items")
def delete_items(project_id: DbId, data: BulkDelete, session: SessionDep, blobs: BlobsDep) -> BulkDeleted:
    """Delete the listed items and their annotations, all or nothing."""
    project = get_project(session, project_id)
    return BulkDeleted(deleted=service.delete_items(session, blobs, project, data.item_ids))


@router.get(
    "/projects/{project_id}/items/{item_id}/neighbours",
    response_model=Neighbours,
    summary="Previous and next item in a filtered listing",
)
def neighbours(
    project_id: DbId, item_id: DbId, session: SessionDep, filters: Annotated[ItemFilter, Depends(item_filter)]
) -> Neighbours:
    """The ids before and after this item among those matching the filters, and its position."""
    project = get_project(session, project_id)
    item = service.get_item(session, project, item_id)
    previous, following, index, total = repository.neighbours(session, project.id, filters, item.id)
    return Neighbours(previous=previous, next=following, index=index, total=total)


@router.get(
    "/projects/{project_id}/fields", response_model=Fields, summary="Metadata keys and reading ranges"
)
def fields(project_id: DbId, session: SessionDep) -> Fields:
    """Metadata keys with how many items carry each, and every measurement's count, min and max."""
    project = get_project(session, project_id)
    return Fields(
        metadata=[KeyCount(name=k, count=n) for k, n in repository.metadata_keys(session, project.id, 500)],
        measurements=[
            ReadingRange(name=k, count=n, min=lo, max=hi)
            for k, n, lo, hi in repository.reading_ranges(session, project.id, 500)
        ],
    )
