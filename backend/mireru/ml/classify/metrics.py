"""Classification metrics from integer predictions: the confusion matrix and what follows from it
(accuracy, per-class precision / recall / F1, macro-F1).

Macro-F1 averages over the classes that occur in the targets or in the predictions: a class that is
neither present nor predicted says nothing about the model, and counting it as 0 would punish a
validation split for lacking a rare class.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def confusion_matrix(
    targets: Sequence[int] | IntArray, predictions: Sequence[int] | IntArray, num_classes: int
) -> IntArray:
    """Counts [true class, predicted class] of shape (num_classes, num_classes)."""
    t = np.asarray(targets, dtype=np.int64).reshape(-1)
    p = np.asarray(predictions, dtype=np.int64).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"{t.size} targets but {p.size} predictions")
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= num_classes):
        raise ValueError(f"class indices must lie in [0, {num_classes})")
    flat = np.bincount(t * num_classes + p, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes).astype(np.int64)


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den, 0 where den is 0 (a class never predicted has precision 0, not NaN)."""
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


@dataclass(frozen=True)
class ClassificationReport:
    """Everything the metrics are computed from, per class index."""

    confusion: IntArray

    @property
    def support(self) -> IntArray:
        """True examples per class."""
        out: IntArray = self.confusion.sum(axis=1)
        return out

    @property
    def predicted(self) -> IntArray:
        """Predictions per class."""
        out: IntArray = self.confusion.sum(axis=0)
        return out

    @property
    def true_positives(self) -> IntArray:
        return np.diag(self.confusion).astype(np.int64)

    @property
    def precision(self) -> FloatArray:
        return _ratio(self.true_positives.astype(np.float64), self.predicted.astype(np.float64))

    @property
    def recall(self) -> FloatArray:
        return _ratio(self.true_positives.astype(np.float64), self.support.astype(np.float64))

    @property
    def f1(self) -> FloatArray:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    @property
    def accuracy(self) -> float:
        total = int(self.confusion.sum())
        return float(self.true_positives.sum() / total) if total else 0.0

    @property
    def macro_f1(self) -> float:
        seen = (self.support + self.predicted) > 0
        return float(self.f1[seen].mean()) if seen.any() else 0.0


def classification_report(
    targets: Sequence[int] | IntArray, predictions: Sequence[int] | IntArray, num_classes: int
) -> ClassificationReport:
    return ClassificationReport(confusion_matrix(targets, predictions, num_classes))


def accuracy(targets: Sequence[int] | IntArray, predictions: Sequence[int] | IntArray) -> float:
    t, p = np.asarray(targets).reshape(-1), np.asarray(predictions).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"{t.size} targets but {p.size} predictions")
    return float((t == p).mean()) if t.size else 0.0


def macro_f1(
    targets: Sequence[int] | IntArray, predictions: Sequence[int] | IntArray, num_classes: int
) -> float:
    return classification_report(targets, predictions, num_classes).macro_f1
