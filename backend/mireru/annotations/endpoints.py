"""HTTP routes for annotations and label classes."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mireru.annotations import repository, service
from mireru.annotations.schemas import (
    AnnotationsPatch,
    AnnotationsPut,
    BulkAnnotate,
    BulkResult,
    IdentityCount,
    KeywordCount,
    LabelClassCreate,
    LabelClassRead,
    LabelClassUpdate,
)
from mireru.deps import DbId, SessionDep
from mireru.items import service as items_service
from mireru.items.schemas import ItemRead
from mireru.projects.service import get_project

router = APIRouter(tags=["annotations"])


@router.put(
    "/projects/{project_id}/items/{item_id}/annotations",
    response_model=ItemRead,
    summary="Replace an item's annotations",
)
def put_annotations(project_id: DbId, item_id: DbId, data: AnnotationsPut, session: SessionDep) -> ItemRead:
    """Set labels, keywords, identity, split and boxes at once; omitted fields are cleared.
    Unknown label names become new label classes. Boxes must lie inside the image."""
    project = get_project(session, project_id)
    item = items_service.get_item(session, project, item_id)
    service.put_annotations(session, item, data)
    return items_service.to_read(items_service.get_item(session, project, item_id))


@router.patch(
    "/projects/{project_id}/items/{item_id}/annotations",
    response_model=ItemRead,
    summary="Change some of an item's annotations",
)
def patch_annotations(
    project_id: DbId, item_id: DbId, data: AnnotationsPatch, session: SessionDep
) -> ItemRead:
    """Only the given fields change; add_/remove_ lists adjust labels and keywords in place."""
    project = get_project(session, project_id)
    item = items_service.get_item(session, project, item_id)
    service.patch_annotations(session, item, data)
    return items_service.to_read(items_service.get_item(session, project, item_id))


@router.post(
    "/projects/{project_id}/annotations/bulk", response_model=BulkResult, summary="Annotate many items"
)
def bulk_annotate(project_id: DbId, data: BulkAnnotate, session: SessionDep) -> BulkResult:
    """Apply one change (e.g. add a label, set the split) to every listed item, all or nothing."""
    project = get_project(session, project_id)
    patch = AnnotationsPatch.model_validate(data.model_dump(exclude={"item_ids"}, exclude_unset=True))
    return BulkResult(updated=service.bulk_patch(session, project, data.item_ids, patch))


@router.get(
    "/projects/{project_id}/labels", response_model=list[LabelClassRead], summary="List label classes"
)
def list_labels(project_id: DbId, session: SessionDep) -> list[LabelClassRead]:
    """The project's label classes with how many items carry each."""
    project = get_project(session, project_id)
    return [
        LabelClassRead.model_validate(c).model_copy(update={"item_count": n})
        for c, n in repository.list_classes(session, project.id)
    ]


@router.post(
    "/projects/{project_id}/labels",
    response_model=LabelClassRead,
    status_code=201,
    summary="Create a label class",
)
def create_label(project_id: DbId, data: LabelClassCreate, session: SessionDep) -> LabelClassRead:
    """Add a class before any item uses it (409 if the name exists)."""
    project = get_project(session, project_id)
    return LabelClassRead.model_validate(service.create_class(session, project, data))


@router.patch(
    "/projects/{project_id}/labels/{label_id}", response_model=LabelClassRead, summary="Rename a label class"
)
def update_label(
    project_id: DbId, label_id: DbId, data: LabelClassUpdate, session: SessionDep
) -> LabelClassRead:
    """Rename or recolour; every item and box using the class follows."""
    project = get_project(session, project_id)
    label_class = service.update_class(session, project, service.get_class(session, project, label_id), data)
    return LabelClassRead.model_validate(label_class)


@router.delete("/projects/{project_id}/labels/{label_id}", status_code=204, summary="Delete a label class")
def delete_label(project_id: DbId, label_id: DbId, session: SessionDep) -> Response:
    """Remove the class from every item and delete its boxes."""
    project = get_project(session, project_id)
    repository.delete_class(session, service.get_class(session, project, label_id))
    return Response(status_code=204)


@router.get("/projects/{project_id}/keywords", response_model=list[KeywordCount], summary="List keywords")
def list_keywords(
    project_id: DbId,
    session: SessionDep,
    prefix: Annotated[str | None, Query(max_length=200, description="starts with (autocomplete)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[KeywordCount]:
    """The project's keyword vocabulary, most used first."""
    project = get_project(session, project_id)
    return [
        KeywordCount(keyword=k, count=n)
        for k, n in repository.keyword_counts(session, project.id, prefix, limit)
    ]


@router.get(
    "/projects/{project_id}/identities", response_model=list[IdentityCount], summary="List identities"
)
def list_identities(
    project_id: DbId, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[IdentityCount]:
    """Identities (same person or object) with how many items show each."""
    project = get_project(session, project_id)
    return [
        IdentityCount(identity=i, count=n) for i, n in repository.identity_counts(session, project.id, limit)
    ]
