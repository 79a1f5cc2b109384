"""HTTP routes for predictions from deployed models and for the suggestions they leave.

The single-image routes take multipart form data: `item_id` (an item of the project) or `file`
(an uploaded image), so the same route serves annotators' items and integrating systems' images.
"""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.deps import BlobsDep, DbId, DispatcherDep, SessionDep, SettingsDep
from mireru.errors import InvalidInput
from mireru.items.service import check_measurements
from mireru.jobs.schemas import JobRead
from mireru.models import ModelVersion
from mireru.predict import repository, service
from mireru.predict.schemas import (
    BatchPredictRequest,
    ClassifyResponse,
    CropRequest,
    DetectResponse,
    KeywordsResponse,
    SuggestionList,
    SuggestionRead,
    SuggestionReview,
    SuggestionReviewResult,
)
from mireru.predict.words import predict_keywords
from mireru.projects.service import get_project
from mireru.storage import BlobStore

router = APIRouter(tags=["predict"])

ItemIdForm = Annotated[int | None, Form(ge=1, le=2**31 - 1, description="an item of the project")]
FileForm = Annotated[UploadFile | None, File(description="an image (instead of item_id)")]
ModelIdForm = Annotated[
    int | None, Form(ge=1, le=2**31 - 1, description="a model version; default: the deployed one")
]


def _model_and_source(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    project_id: int,
    kind: str,
    model_id: int | None,
    item_id: int | None,
    file: UploadFile | None,
) -> tuple[ModelVersion, service.Source]:
    """What every single-image predict route starts with: the model to ask and the image."""
    project = get_project(session, project_id)
    version = service.pick_model(session, project.id, kind, model_id)
    upload = None
    if file is not None:
        # One byte over the limit is read, so source_of can tell an oversized upload.
        upload = (file.filename or "upload", file.file.read(settings.max_upload_bytes + 1))
    return version, service.source_of(session, blobs, settings, project, item_id, upload)


def _readings(raw: str | None) -> dict[str, float] | None:
    if raw is None or not raw.strip():
        return None
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"measurements: malformed JSON ({exc.msg})", field="measurements") from exc
    return check_measurements(value)


@router.post(
    "/projects/{project_id}/predict/classify", response_model=ClassifyResponse, summary="Classify an image"
)
def classify(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    item_id: ItemIdForm = None,
    file: FileForm = None,
    measurements: Annotated[
        str | None,
        Form(description="JSON object of readings for a model that fuses them; default: the item's own"),
    ] = None,
    top_k: Annotated[int, Form(ge=1, le=100)] = 5,
    model_id: ModelIdForm = None,
) -> ClassifyResponse:
    """Top classes with probabilities from the deployed classifier (or `model_id`), for an item
    or an uploaded image; a model trained with sensor readings fuses `measurements` (missing
    readings are imputed from the training data)."""
    version, source = _model_and_source(
        session, blobs, settings, project_id, "classifier", model_id, item_id, file
    )
    return service.classify(blobs, settings, version, source, _readings(measurements), top_k)


@router.post("/projects/{project_id}/predict/detect", response_model=DetectResponse, summary="Detect objects")
def detect(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    item_id: ItemIdForm = None,
    file: FileForm = None,
    score_threshold: Annotated[float, Form(ge=0, le=1)] = 0.5,
    nms_iou: Annotated[float, Form(gt=0, le=1, description="boxes overlapping more are merged")] = 0.5,
    max_detections: Annotated[int, Form(ge=1, le=1000)] = 100,
    model_id: ModelIdForm = None,
) -> DetectResponse:
    """Boxes (original-image pixels), classes and scores from the deployed detector (or
    `model_id`), for an item or an uploaded image."""
    version, source = _model_and_source(
        session, blobs, settings, project_id, "detector", model_id, item_id, file
    )
    return service.detect(blobs, settings, version, source, score_threshold, nms_iou, max_detections)


@router.post(
    "/projects/{project_id}/predict/keywords", response_model=KeywordsResponse, summary="Suggest keywords"
)
def keywords(
    project_id: DbId,
    session: SessionDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    item_id: ItemIdForm = None,
    file: FileForm = None,
    words_per_output: Annotated[int, Form(ge=1, le=20, description="nearest words per output vector")] = 1,
    model_id: ModelIdForm = None,
) -> KeywordsResponse:
    """Keywords with scores from the deployed keywords model (or `model_id`): each output vector
    whose norm passes the model's threshold is matched against the project's active word model,
    so the number of keywords varies per image and words never used as labels can appear."""
    version, source = _model_and_source(
        session, blobs, settings, project_id, "keywords", model_id, item_id, file
    )
    return predict_keywords(session, blobs, settings, version, source, words_per_output)


@router.post(
    "/projects/{project_id}/predict/batch",
    response_model=JobRead,
    status_code=202,
    summary="Predict over items into suggestions",
)
def batch_predict(
    project_id: DbId, data: BatchPredictRequest, session: SessionDep, dispatcher: DispatcherDep
) -> JobRead:
    """Run a deployed classifier, detector or keywords model (or `model_id`) over the items
    matching `filters` as a background job; its results become pending suggestions on the items
    (replacing pending ones of the same kind) for annotators to accept or reject."""
    job = service.start_batch(session, dispatcher, get_project(session, project_id), data)
    return JobRead.model_validate(job)


@router.post(
    "/projects/{project_id}/predict/crops",
    response_model=JobRead,
    status_code=202,
    summary="Detect and store crops as items",
)
def crops(project_id: DbId, data: CropRequest, session: SessionDep, dispatcher: DispatcherDep) -> JobRead:
    """Detect-then-retrieve: a background job runs the detector over the items matching
    `filters` and stores every detection as a new item (`source_item_id` and `source_box` say where
    it was cut from), embedded into the active space like uploads, so crops can be searched."""
    job = service.start_crops(session, dispatcher, get_project(session, project_id), data)
    return JobRead.model_validate(job)


@router.get("/projects/{project_id}/suggestions", response_model=SuggestionList, summary="List suggestions")
def list_suggestions(
    project_id: DbId,
    session: SessionDep,
    item_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: Literal["pending", "accepted", "rejected"] | None = "pending",
    kind: Literal["label", "keyword", "box"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SuggestionList:
    """Suggestions from models, by item, best first; pending ones by default."""
    project = get_project(session, project_id)
    rows, total = repository.list_for(session, project.id, item_id, status, kind, limit, offset)
    return SuggestionList(
        suggestions=[SuggestionRead.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post(
    "/projects/{project_id}/suggestions/review",
    response_model=SuggestionReviewResult,
    summary="Accept or reject suggestions",
)
def review_suggestions(
    project_id: DbId, data: SuggestionReview, session: SessionDep
) -> SuggestionReviewResult:
    """Accepted suggestions become the items' labels, keywords or boxes; rejected ones are kept
    as rejected. All or nothing: an unknown or already decided id rejects the whole request."""
    return service.review(session, get_project(session, project_id), data)
