"""Rules of prediction: which model version answers (the deployed one of the kind's slot, or
one asked for), what an input image may be, and how suggestions become annotations."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from mireru.annotations import service as annotations
from mireru.annotations.schemas import AnnotationsPatch, BoxIn
from mireru.config import Settings
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.items import repository as items_repo
from mireru.items.images import open_checked
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import DEFAULT_QUEUE, Dispatcher
from mireru.models import Item, Job, ModelVersion, Project, Suggestion
from mireru.predict import repository
from mireru.predict.cache import loaded_predictor
from mireru.predict.schemas import (
    BatchPredictRequest,
    ClassifyResponse,
    ClassScore,
    CropRequest,
    DetectedBox,
    DetectResponse,
    ModelUsed,
    SuggestionReview,
    SuggestionReviewResult,
)
from mireru.registry import repository as registry_repo
from mireru.registry import service as registry
from mireru.storage import BlobStore


@dataclass(frozen=True)
class Source:
    """An input image: an item of the project, or uploaded bytes."""

    item: Item | None
    image: Image.Image


def pick_model(session: Session, project_id: int, kind: str, model_id: int | None) -> ModelVersion:
    """The version asked for (it must be of `kind`), else the one deployed in the kind's slot."""
    if model_id is not None:
        version = registry_repo.get_version(session, project_id, model_id)
        if version is None:
            raise NotFound(f"model version {model_id} does not exist in project {project_id}")
        if version.kind != kind:
            raise InvalidInput(
                f"model version {model_id} is a {version.kind} model, not a {kind} model", field="model_id"
            )
        return version
    deployed = registry.deployed_version(session, project_id, kind)
    if deployed is None:
        raise Conflict(
            f"project {project_id} has no deployed {kind} model; train one (POST "
            f"/api/v1/projects/{project_id}/training-runs with kind {kind!r}) and deploy its version, "
            "or pass model_id"
        )
    return deployed


def predictor(blobs: BlobStore, version: ModelVersion, device: str) -> Any:
    path = registry.model_file(blobs, version)
    return loaded_predictor(version.id, version.kind, version.file_sha256, path, device)


def used(version: ModelVersion) -> ModelUsed:
    return ModelUsed(model_id=version.id, version=version.version, kind=version.kind)


def load_item_image(blobs: BlobStore, item: Item) -> Image.Image:
    with Image.open(blobs.path(item.sha256)) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def source_of(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    project: Project,
    item_id: int | None,
    upload: tuple[str, bytes] | None,
) -> Source:
    """Exactly one of an item id or an uploaded image."""
    if (item_id is None) == (upload is None):
        raise InvalidInput(
            "send either item_id or an image file (multipart field 'file'), not both or neither"
        )
    if item_id is not None:
        item = items_repo.get(session, project.id, item_id)
        if item is None:
            raise NotFound(f"item {item_id} does not exist in project {project.id}", field="item_id")
        return Source(item, load_item_image(blobs, item))
    assert upload is not None
    name, data = upload
    if len(data) > settings.max_upload_bytes:
        raise InvalidInput(
            f"{name}: larger than the limit of {settings.max_upload_bytes} bytes", field="file"
        )
    image = open_checked(data, name, settings.max_image_pixels)
    return Source(None, ImageOps.exif_transpose(image).convert("RGB"))


def item_readings(item: Item, keys: Sequence[str]) -> dict[str, float]:
    """The item's own readings of the keys a model fuses."""
    return {k: v for k, v in item.measurements.items() if k in keys}


def check_measurements(keys: Sequence[str], given: dict[str, float] | None) -> dict[str, float | None]:
    """The readings a fusion model uses; unknown keys are a client mistake worth naming."""
    given = given or {}
    unknown = sorted(set(given) - set(keys))
    if unknown and keys:
        raise InvalidInput(
            f"measurements {unknown} are not used by this model; it uses {list(keys)}", field="measurements"
        )
    return {key: given.get(key) for key in keys}


def classify(
    blobs: BlobStore,
    settings: Settings,
    version: ModelVersion,
    source: Source,
    measurements: dict[str, float] | None,
    top_k: int,
) -> ClassifyResponse:
    model = predictor(blobs, version, settings.query_device)
    keys: list[str] = list(model.measurement_keys)
    if measurements is None and source.item is not None:
        measurements = item_readings(source.item, keys)
    readings = check_measurements(keys, measurements)
    present = {k: float(v) for k, v in readings.items() if v is not None}
    (ranked,) = model.predict([source.image], [present] if keys else None, top_k=top_k)
    return ClassifyResponse(
        model=used(version),
        item_id=source.item.id if source.item else None,
        classes=[ClassScore(label=label, probability=float(p)) for label, p in ranked],
        measurements_used=readings,
    )


def detect(
    blobs: BlobStore,
    settings: Settings,
    version: ModelVersion,
    source: Source,
    score_threshold: float,
    nms_iou: float,
    max_detections: int,
) -> DetectResponse:
    model = predictor(blobs, version, settings.query_device)
    (found,) = model.predict(
        [source.image], score_threshold=score_threshold, nms_iou=nms_iou, max_detections=max_detections
    )
    return DetectResponse(
        model=used(version),
        item_id=source.item.id if source.item else None,
        width=source.image.width,
        height=source.image.height,
        boxes=[DetectedBox.model_validate(box) for box in found],
    )


# --- suggestions ---------------------------------------------------------------------------------


def review(session: Session, project: Project, data: SuggestionReview) -> SuggestionReviewResult:
    """Accepted suggestions become annotations of their items; both kinds of decision are kept
    (so a later prediction does not suggest the same thing as new). Unknown ids are a 404."""
    both = set(data.accept) & set(data.reject)
    if both:
        raise InvalidInput(f"suggestions {sorted(both)[:10]} are both accepted and rejected")
    ids = [*data.accept, *data.reject]
    found = {s.id: s for s in repository.pending_by_ids(session, project.id, ids)}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise NotFound(f"suggestions {missing[:10]} do not exist in project {project.id}")
    decided = sorted(i for i in ids if found[i].status != "pending")
    if decided:
        raise Conflict(f"suggestions {decided[:10]} were already decided")
    accepted = [found[i] for i in data.accept]
    _apply(session, project, accepted)
    now = datetime.now(UTC)
    repository.decide(session, data.accept, "accepted", now)
    repository.decide(session, data.reject, "rejected", now)
    session.flush()
    return SuggestionReviewResult(accepted=len(data.accept), rejected=len(data.reject))


def _apply(session: Session, project: Project, accepted: Sequence[Suggestion]) -> None:
    by_item: dict[int, list[Suggestion]] = {}
    for suggestion in accepted:
        by_item.setdefault(suggestion.item_id, []).append(suggestion)
    items = {i.id: i for i in items_repo.get_many(session, project.id, list(by_item))}
    for item_id, chosen in by_item.items():
        item = items[item_id]
        labels = [s.value for s in chosen if s.kind == "label"]
        keywords = [s.value for s in chosen if s.kind == "keyword"]
        new_boxes = [
            BoxIn(label=s.value, x=s.x or 0.0, y=s.y or 0.0, w=s.w or 1.0, h=s.h or 1.0)
            for s in chosen
            if s.kind == "box"
        ]
        patch = AnnotationsPatch(add_labels=labels, add_keywords=keywords)
        if new_boxes:
            kept = [BoxIn(label=b.label_class.name, x=b.x, y=b.y, w=b.w, h=b.h) for b in item.boxes]
            patch = patch.model_copy(update={"boxes": kept + new_boxes})
        annotations.patch_annotations(session, item, patch)


# --- background work -----------------------------------------------------------------------------

BATCH_JOB = "mireru.predict.jobs.run_batch_predict"
CROPS_JOB = "mireru.predict.jobs.run_crops"


def start_batch(session: Session, dispatcher: Dispatcher, project: Project, data: BatchPredictRequest) -> Job:
    """Check the model now (4xx if there is none), then predict in a job."""
    version = pick_model(session, project.id, data.kind, data.model_id)
    return _enqueue(session, dispatcher, project, "predict", BATCH_JOB, version, data.model_dump(mode="json"))


def start_crops(session: Session, dispatcher: Dispatcher, project: Project, data: CropRequest) -> Job:
    version = pick_model(session, project.id, "detector", data.model_id)
    return _enqueue(session, dispatcher, project, "crops", CROPS_JOB, version, data.model_dump(mode="json"))


def _enqueue(
    session: Session,
    dispatcher: Dispatcher,
    project: Project,
    kind: str,
    func: str,
    version: ModelVersion,
    request: dict[str, Any],
) -> Job:
    job = jobs_repo.create(session, kind, DEFAULT_QUEUE, project.id, {**request, "model_id": version.id})
    kwargs = {"job_id": job.id, "project_id": project.id, "model_id": version.id, "request": request}
    dispatcher.enqueue_after_commit(session, DEFAULT_QUEUE, func, job.id, kwargs)
    return job
