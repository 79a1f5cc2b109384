"""RQ jobs of the predict domain: batch prediction into suggestions, and detector crops that
become items. They take ids, never ORM objects, and commit one chunk of items at a time, so a
job that fails half-way keeps what it finished and its progress says how far it got."""

import io
from collections.abc import Callable
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from mireru.db import unit_of_work
from mireru.items import repository as items_repo
from mireru.items import service as items_service
from mireru.items.repository import filter_conditions
from mireru.items.schemas import ItemFilter
from mireru.jobs.runtime import JobContext, Runtime, run_tracked
from mireru.models import Item, ModelVersion, Project, Suggestion
from mireru.predict import repository, service
from mireru.predict.schemas import BatchPredictRequest, CropRequest
from mireru.predict.words import keywords_for_images

CHUNK = 32
SUGGESTION_KIND = {"classifier": "label", "detector": "box", "keywords": "keyword"}


def _item_ids(
    session: Session, project_id: int, filters: ItemFilter, chosen: list[int] | None, limit: int
) -> list[int]:
    conds = filter_conditions(project_id, filters)
    if chosen is not None:
        conds.append(Item.id.in_(chosen))
    return list(session.scalars(select(Item.id).where(*conds).order_by(Item.id).limit(limit)))


def _chunks(
    ctx: JobContext, project_id: int, ids: list[int], work: Callable[[Session, list[Item]], int], what: str
) -> int:
    """Run `work` over the items a chunk at a time, one transaction each; returns its total."""
    rt, made = ctx.rt, 0
    ctx.progress(0, len(ids), "starting", force=True)
    for start in range(0, len(ids), CHUNK):
        with unit_of_work(rt.sessions) as session:
            items = sorted(
                items_repo.get_many(session, project_id, ids[start : start + CHUNK]), key=lambda i: i.id
            )
            made += work(session, items)
        done = min(start + CHUNK, len(ids))
        ctx.progress(done, len(ids), f"{done} of {len(ids)} items, {made} {what}")
    return made


def _version(rt: Runtime, project_id: int, model_id: int) -> ModelVersion:
    with unit_of_work(rt.sessions) as session:
        version = session.get(ModelVersion, model_id)
        if version is None or version.project_id != project_id:
            raise ValueError(f"model version {model_id} was deleted")
        session.expunge(version)
        return version


def _suggestion(
    item: Item, kind: str, version: ModelVersion, value: str, score: float, **box: float
) -> Suggestion:
    return Suggestion(
        project_id=item.project_id,
        item_id=item.id,
        kind=kind,
        value=value,
        score=score,
        model_version_id=version.id,
        status="pending",
        **box,
    )


def _suggest(
    rt: Runtime, version: ModelVersion, request: BatchPredictRequest
) -> Callable[[Session, list[Item]], int]:
    model = service.predictor(rt.blobs, version, rt.settings.embed_device)
    kind = SUGGESTION_KIND[request.kind]

    def predicted(session: Session, items: list[Item], images: list[Image.Image]) -> list[Suggestion]:
        if request.kind == "classifier":
            keys = list(model.measurement_keys)
            readings = [service.item_readings(i, keys) for i in items] if keys else None
            ranked = model.predict(images, readings, top_k=request.top_k)
            return [
                _suggestion(item, kind, version, label, float(p))
                for item, classes in zip(items, ranked, strict=True)
                for label, p in classes
            ]
        if request.kind == "detector":
            found = model.predict(images, score_threshold=request.min_score)
            return [
                _suggestion(item, kind, version, b["label"], float(b["score"]), **{k: b[k] for k in "xywh"})
                for item, boxes in zip(items, found, strict=True)
                for b in boxes
            ]
        words = keywords_for_images(session, version.project_id, model, images)
        return [
            _suggestion(item, kind, version, w.word, w.score)
            for item, found_words in zip(items, words, strict=True)
            for w in found_words
        ]

    def work(session: Session, items: list[Item]) -> int:
        images = [service.load_item_image(rt.blobs, item) for item in items]
        rows = [s for s in predicted(session, items, images) if s.score >= request.min_score]
        repository.clear_pending(session, version.project_id, [i.id for i in items], kind)
        repository.add_all(session, rows)
        return len(rows)

    return work


def run_batch_predict(job_id: str, project_id: int, model_id: int, request: dict[str, Any]) -> dict[str, Any]:
    """Predict over the selected items and store pending suggestions (replacing pending ones of
    the same kind on those items)."""
    data = BatchPredictRequest.model_validate(request)

    def body(ctx: JobContext) -> dict[str, Any]:
        version = _version(ctx.rt, project_id, model_id)
        with unit_of_work(ctx.rt.sessions) as session:
            ids = _item_ids(session, project_id, data.filters, data.item_ids, data.limit)
        made = _chunks(ctx, project_id, ids, _suggest(ctx.rt, version, data), "suggestions")
        return {"items": len(ids), "suggestions": made, "model_id": model_id}

    return run_tracked(job_id, body)


# --- detect-then-retrieve ------------------------------------------------------------------------


def _crop_box(box: dict[str, Any], width: int, height: int, padding: float) -> tuple[int, int, int, int]:
    pad_w, pad_h = box["w"] * padding, box["h"] * padding
    left = max(0, int(box["x"] - pad_w))
    top = max(0, int(box["y"] - pad_h))
    right = min(width, round(box["x"] + box["w"] + pad_w))
    bottom = min(height, round(box["y"] + box["h"] + pad_h))
    return left, top, right, bottom


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _crops(rt: Runtime, version: ModelVersion, request: CropRequest) -> Callable[[Session, list[Item]], int]:
    model = service.predictor(rt.blobs, version, rt.settings.embed_device)
    wanted = set(request.labels)

    def work(session: Session, items: list[Item]) -> int:
        images = [service.load_item_image(rt.blobs, item) for item in items]
        detections = model.predict(images, score_threshold=request.score_threshold)
        project = session.get(Project, version.project_id)
        assert project is not None
        made = 0
        for item, image, boxes in zip(items, images, detections, strict=True):
            new_images, sources = [], []
            for n, box in enumerate(boxes):
                if wanted and box["label"] not in wanted:
                    continue
                left, top, right, bottom = _crop_box(box, image.width, image.height, request.padding)
                if right - left < request.min_size or bottom - top < request.min_size:
                    continue
                source = {
                    **{k: float(box[k]) for k in ("x", "y", "w", "h", "score")},
                    "label": box["label"],
                    "model_id": version.id,
                }
                meta = {"source_item_id": item.id, "detected_label": box["label"]}
                new_images.append(
                    items_service.NewImage(
                        filename=f"{item.filename}#{n}-{box['label']}.png"[:500],
                        data=_png(image.crop((left, top, right, bottom))),
                        metadata=meta,
                        measurements=dict(item.measurements),
                        text=item.text,
                    )
                )
                sources.append(source)
            if not new_images:
                continue
            added = items_service.add_images(session, rt.blobs, rt.settings, project, new_images)
            for (crop, duplicate), source in zip(added, sources, strict=True):
                if not duplicate:
                    crop.source_item_id, crop.source_box = item.id, source
                    made += 1
        session.flush()
        return made

    return work


def run_crops(job_id: str, project_id: int, model_id: int, request: dict[str, Any]) -> dict[str, Any]:
    """Detect objects in the selected items and store each detection as a new item linked to its
    source; new items are embedded into the active space like uploads, so crops are searchable."""
    data = CropRequest.model_validate(request)

    def body(ctx: JobContext) -> dict[str, Any]:
        version = _version(ctx.rt, project_id, model_id)
        with unit_of_work(ctx.rt.sessions) as session:
            ids = _item_ids(session, project_id, data.filters, data.item_ids, data.limit)
        made = _chunks(ctx, project_id, ids, _crops(ctx.rt, version, data), "crops")
        return {"items": len(ids), "crops": made, "model_id": model_id}

    return run_tracked(job_id, body)
