"""Detection mAP as COCO computes it, in numpy: for each class and IoU threshold, detections of
all images ranked by score are matched greedily (each to the unmatched ground-truth box it
overlaps most, at or above the threshold), and the precision/recall curve, made monotone, is
read at 101 recall points. mAP@[.5:.95] averages over classes with ground truth and the ten
thresholds 0.50, 0.55, ..., 0.95; mAP@.5 uses 0.5 alone. A second detection of an already
matched box counts as a false positive; a class with boxes but no detections scores 0.

Boxes are (x1, y1, x2, y2). Unlike pycocotools there are no area ranges or crowd regions, and
the at-most-`max_detections` rule keeps each image's highest-scoring detections.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

COCO_IOUS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
RECALL_POINTS = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class ImageBoxes:
    """One image's boxes: (N, 4) corners, (N,) class indices and, for detections, (N,) scores."""

    boxes: np.ndarray
    labels: np.ndarray
    scores: np.ndarray | None = None

    @classmethod
    def of(
        cls, boxes: Sequence[Sequence[float]], labels: Sequence[int], scores: Sequence[float] | None = None
    ) -> "ImageBoxes":
        return cls(
            np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
            np.asarray(labels, dtype=np.int64).reshape(-1),
            None if scores is None else np.asarray(scores, dtype=np.float64).reshape(-1),
        )


@dataclass(frozen=True)
class MapResult:
    map: float  # mAP@[.5:.95]
    map50: float
    map75: float
    per_class: dict[int, float]  # AP@[.5:.95] of each class that has ground truth

    def as_metrics(self, prefix: str = "val/") -> dict[str, float]:
        return {f"{prefix}map": self.map, f"{prefix}map50": self.map50, f"{prefix}map75": self.map75}


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 4) x (M, 4) corner boxes -> (N, M) intersection over union."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    out: np.ndarray = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    return out


def _match(iou: np.ndarray, threshold: float) -> np.ndarray:
    """Greedy matching of score-ordered detections (rows) to ground truth (columns)."""
    taken = np.zeros(iou.shape[1], dtype=bool)
    hits = np.zeros(iou.shape[0], dtype=bool)
    for d in range(iou.shape[0]):
        row = np.where(taken, -1.0, iou[d])
        if row.size == 0:
            break
        g = int(row.argmax())
        if row[g] >= threshold:
            taken[g] = True
            hits[d] = True
    return hits


def average_precision(scores: np.ndarray, hits: np.ndarray, positives: int) -> float:
    """101-point interpolated AP from detections' scores and whether each matched a box."""
    if positives == 0:
        return float("nan")
    if len(scores) == 0:
        return 0.0
    order = np.argsort(-scores, kind="mergesort")
    tp = np.cumsum(hits[order])
    fp = np.cumsum(~hits[order])
    recall = tp / positives
    precision = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, RECALL_POINTS, side="left")
    sampled = np.where(at < len(envelope), envelope[np.minimum(at, len(envelope) - 1)], 0.0)
    return float(sampled.mean())


def _top(det: ImageBoxes, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An image's `limit` highest-scoring detections, best first: (boxes, labels, scores)."""
    scores = det.scores if det.scores is not None else np.ones(len(det.labels))
    order = np.argsort(-scores, kind="mergesort")[:limit]
    return det.boxes[order], det.labels[order], scores[order]


def mean_average_precision(
    detections: Sequence[ImageBoxes],
    truths: Sequence[ImageBoxes],
    iou_thresholds: Sequence[float] = COCO_IOUS,
    max_detections: int = 100,
) -> MapResult:
    """COCO-style mAP over images given as parallel lists of detections and ground truth."""
    if len(detections) != len(truths):
        raise ValueError(f"{len(detections)} detection lists for {len(truths)} images")
    classes = sorted({int(c) for t in truths for c in t.labels})
    thresholds = list(iou_thresholds)
    kept = [_top(det, max_detections) for det in detections]
    ap = np.full((len(classes), len(thresholds)), np.nan)
    for ci, cls in enumerate(classes):
        # Pooled over images: each detection's score and, per threshold, whether it matched.
        scores: list[np.ndarray] = []
        hits: list[list[np.ndarray]] = [[] for _ in thresholds]
        positives = 0
        for (boxes, labels, det_scores), truth in zip(kept, truths, strict=True):
            gt = truth.boxes[truth.labels == cls]
            positives += len(gt)
            mine = labels == cls
            iou = box_iou(boxes[mine], gt)
            scores.append(det_scores[mine])
            for ti, threshold in enumerate(thresholds):
                hits[ti].append(_match(iou, threshold))
        pooled = np.concatenate(scores) if scores else np.zeros(0)
        for ti in range(len(thresholds)):
            ap[ci, ti] = average_precision(pooled, np.concatenate(hits[ti]).astype(bool), positives)
    if not classes:
        return MapResult(float("nan"), float("nan"), float("nan"), {})

    def at(threshold: float) -> float:
        near = [i for i, t in enumerate(thresholds) if abs(t - threshold) < 1e-9]
        return float(ap[:, near[0]].mean()) if near else float("nan")

    return MapResult(
        map=float(ap.mean()),
        map50=at(0.5),
        map75=at(0.75),
        per_class={cls: float(ap[ci].mean()) for ci, cls in enumerate(classes)},
    )
