"""The deploy gate's measure for prediction versions (installed into registry.gate by
mireru.listeners): the candidate and the version its slot serves predict the same held-out items,
and each is scored against the items' annotations with the kind's metrics, primary first:

- classifiers: macro-F1 (what training monitors: a skewed split cannot hide an ignored class) and
  accuracy, over items with exactly one label;
- detectors: mAP@0.5 and mAP@[.5:.95] (COCO-style, ml/detect/metrics.py), over items with boxes,
  at the thresholds training validates with;
- keyword models: F1@3 of the vocabulary ranked by score (as training reports it) and the F1 of
  the keyword sets a user is shown, over items with keywords. Each model ranks its own
  vocabulary against the items' keywords as written, so a model that cannot name a keyword is
  not excused from it.

Both models load through the process's model cache (predict.cache) on the API's device; images
are read a chunk at a time, so memory does not grow with the cap (registry.gate).
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.errors import Conflict
from mireru.ml.classify.metrics import classification_report  # numpy only
from mireru.ml.detect.metrics import ImageBoxes, mean_average_precision  # numpy only
from mireru.models import ModelVersion, Project
from mireru.predict.service import predictor
from mireru.registry import gate
from mireru.registry import repository as registry_repo
from mireru.registry import service as registry
from mireru.registry.repository import ItemFacts
from mireru.storage import BlobStore

CHUNK = 16  # images held in memory at once
KEYWORD_K = 3  # the k of F1@k, as the keywords task's validation reports it


def _images(
    blobs: BlobStore, facts: dict[int, ItemFacts], ids: Sequence[int]
) -> Iterator[tuple[list[int], list[Image.Image]]]:
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        images = []
        for item_id in chunk:
            with Image.open(blobs.path(facts[item_id].sha256)) as image:
                images.append(ImageOps.exif_transpose(image).convert("RGB"))
        yield chunk, images


def _models(
    blobs: BlobStore, settings: Settings, candidate: ModelVersion, deployed: ModelVersion
) -> tuple[Any, Any]:
    """Both predictors. A deployed version that no longer loads must not block its replacement
    (that is when one is needed most): the gate is skipped, saying why."""
    try:
        new = predictor(blobs, candidate, settings.query_device)
    except Exception as exc:
        raise Conflict(
            f"model version {candidate.version} could not be loaded to evaluate it: "
            f"{type(exc).__name__}: {exc}",
            model_id=candidate.id,
        ) from exc
    try:
        old = predictor(blobs, deployed, settings.query_device)
    except Exception as exc:  # any failure: the file, its format, the kind's code
        raise gate.SkipGate(
            f"the deployed version {deployed.version} could not be loaded ({type(exc).__name__}: {exc})"
        ) from exc
    return new, old


def _classifier(
    session: Session,
    settings: Settings,
    blobs: BlobStore,
    project: Project,
    pair: tuple[ModelVersion, ModelVersion],
) -> tuple[gate.HeldOutSplit, int, bool, list[gate.Figure]]:
    facts = registry_repo.items_with_labels(session, project.id, gate.HELD_OUT_SPLITS)
    by_split = {
        s: [i for i, f in facts.items() if f.split == s and len(f.labels) == 1] for s in gate.HELD_OUT_SPLITS
    }
    split, ids = gate.held_out(by_split, gate.MAX_QUERIES, "with exactly one label")
    readings = registry_repo.item_measurements(session, project.id, ids)
    models = _models(blobs, settings, *pair)
    predicted: list[list[str]] = [[], []]
    for chunk, images in _images(blobs, facts, ids):
        for side, model in enumerate(models):
            keys = model.measurement_keys
            meas = (
                [{k: v for k, v in readings.get(i, {}).items() if k in keys} for i in chunk] if keys else None
            )
            probs = model.probabilities(images, meas)
            predicted[side] += [model.classes[int(j)] for j in probs.argmax(axis=1)]
    truth = [facts[i].labels[0] for i in ids]
    names = {n: j for j, n in enumerate(sorted({*truth, *predicted[0], *predicted[1]}))}
    reports = [
        classification_report([names[t] for t in truth], [names[p] for p in side], len(names))
        for side in predicted
    ]
    figures = [
        gate.Figure("macro_f1", "macro-F1", reports[0].macro_f1, reports[1].macro_f1),
        gate.Figure("accuracy", "accuracy", reports[0].accuracy, reports[1].accuracy),
    ]
    return split, len(ids), len(by_split[split]) > len(ids), figures


def _detector(
    session: Session,
    settings: Settings,
    blobs: BlobStore,
    project: Project,
    pair: tuple[ModelVersion, ModelVersion],
) -> tuple[gate.HeldOutSplit, int, bool, list[gate.Figure]]:
    from mireru.ml.detect.task import EVAL_MAX_DETECTIONS, EVAL_NMS_IOU, EVAL_SCORE_THRESHOLD

    facts = registry_repo.items_with_boxes(session, project.id, gate.HELD_OUT_SPLITS)
    by_split = {s: [i for i, f in facts.items() if f.split == s and f.boxes] for s in gate.HELD_OUT_SPLITS}
    split, ids = gate.held_out(by_split, gate.MAX_DETECTOR_QUERIES, "with boxes")
    models = _models(blobs, settings, *pair)
    names = {n: j for j, n in enumerate(sorted({b[4] for i in ids for b in facts[i].boxes}))}
    found: list[list[ImageBoxes]] = [[], []]
    for _, images in _images(blobs, facts, ids):
        for side, model in enumerate(models):
            for boxes in model.predict(
                images,
                score_threshold=EVAL_SCORE_THRESHOLD,
                nms_iou=EVAL_NMS_IOU,
                max_detections=EVAL_MAX_DETECTIONS,
            ):
                # A class the annotations do not have cannot match a box: index it past them.
                for d in boxes:
                    names.setdefault(d["label"], len(names))
                found[side].append(
                    ImageBoxes.of(
                        [[d["x"], d["y"], d["x"] + d["w"], d["y"] + d["h"]] for d in boxes],
                        [names[d["label"]] for d in boxes],
                        [d["score"] for d in boxes],
                    )
                )
    truths = [
        ImageBoxes.of(
            [[x, y, x + w, y + h] for x, y, w, h, _ in facts[i].boxes], [names[b[4]] for b in facts[i].boxes]
        )
        for i in ids
    ]
    results = [mean_average_precision(side, truths, max_detections=EVAL_MAX_DETECTIONS) for side in found]
    figures = [
        gate.Figure("map50", "mAP@0.5", results[0].map50, results[1].map50),
        gate.Figure("map", "mAP@[.5:.95]", results[0].map, results[1].map),
    ]
    return split, len(ids), len(by_split[split]) > len(ids), figures


def _keyword_scores(
    model: Any, images: list[Image.Image], truths: list[set[str]]
) -> tuple[list[float], list[float]]:
    """Per image: F1@k of the ranked vocabulary, and F1 of the predicted set (1 when both the
    prediction and the truth are empty, as the keywords task counts it)."""
    words: list[str] = list(model.words)
    ranked = np.asarray(model.word_scores(images))
    k = min(KEYWORD_K, len(words))
    at_k, sets = [], []
    for row, suggested, truth in zip(ranked, model.predict_keywords(images), truths, strict=True):
        top = {words[j] for j in np.argsort(-row, kind="stable")[:k]} if k else set()
        hits = len(top & truth)
        precision, recall = hits / max(k, 1), hits / len(truth)
        at_k.append(2 * precision * recall / (precision + recall) if hits else 0.0)
        predicted = {word for word, _ in suggested}
        total = len(predicted) + len(truth)
        sets.append(2 * len(predicted & truth) / total if total else 1.0)
    return at_k, sets


def _keywords(
    session: Session,
    settings: Settings,
    blobs: BlobStore,
    project: Project,
    pair: tuple[ModelVersion, ModelVersion],
) -> tuple[gate.HeldOutSplit, int, bool, list[gate.Figure]]:
    facts = registry_repo.items_with_keywords(session, project.id, gate.HELD_OUT_SPLITS)
    by_split = {s: [i for i, f in facts.items() if f.split == s and f.keywords] for s in gate.HELD_OUT_SPLITS}
    split, ids = gate.held_out(by_split, gate.MAX_QUERIES, "with keywords")
    models = _models(blobs, settings, *pair)
    at_k: list[list[float]] = [[], []]
    sets: list[list[float]] = [[], []]
    for chunk, images in _images(blobs, facts, ids):
        truths = [set(facts[i].keywords) for i in chunk]
        for side, model in enumerate(models):
            ranked, predicted = _keyword_scores(model, images, truths)
            at_k[side] += ranked
            sets[side] += predicted
    figures = [
        gate.Figure(f"f1@{KEYWORD_K}", f"F1@{KEYWORD_K}", float(np.mean(at_k[0])), float(np.mean(at_k[1]))),
        gate.Figure("f1", "keyword-set F1", float(np.mean(sets[0])), float(np.mean(sets[1]))),
    ]
    return split, len(ids), len(by_split[split]) > len(ids), figures


Scorer = Callable[
    [Session, Settings, BlobStore, Project, tuple[ModelVersion, ModelVersion]],
    tuple[gate.HeldOutSplit, int, bool, list[gate.Figure]],
]
SCORERS: dict[str, Scorer] = {"classifier": _classifier, "detector": _detector, "keywords": _keywords}


def measure(
    session: Session, settings: Settings, blobs: BlobStore, project: Project, version: ModelVersion
) -> gate.Measurement:
    """The candidate and the deployed version of its slot on the same held-out items."""
    slot = registry.slot_of(version)
    deployed = registry.deployed_version(session, project.id, slot)
    if deployed is None:
        raise gate.SkipGate(f"no {slot} version is deployed yet, so there is nothing to compare with")
    scorer = SCORERS.get(version.kind)
    if scorer is None:
        raise gate.SkipGate(f"the deploy gate has no metric for {version.kind} models")
    split, count, capped, figures = scorer(session, settings, blobs, project, (version, deployed))
    return gate.Measurement(
        figures=figures,
        split=split,
        held_out_items=count,
        compared_with=f"the deployed version {deployed.version}",
        deployed_model_version_id=deployed.id,
        capped=capped,
    )
