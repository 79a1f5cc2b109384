"""Classification metrics on hand-made predictions, checked against numbers worked out by hand."""

import numpy as np
import pytest

from mireru.ml.classify.metrics import accuracy, classification_report, confusion_matrix, macro_f1


def test_confusion_matrix_counts_true_by_predicted() -> None:
    targets = [0, 0, 0, 1, 1, 2]
    predictions = [0, 0, 1, 1, 2, 2]
    cm = confusion_matrix(targets, predictions, 3)
    assert cm.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert cm.dtype == np.int64


def test_report_precision_recall_f1_and_accuracy() -> None:
    targets = [0, 0, 0, 1, 1, 2]
    predictions = [0, 0, 1, 1, 2, 2]
    report = classification_report(targets, predictions, 3)
    # class 0: tp 2, predicted 2, support 3; class 1: tp 1, predicted 2, support 2; class 2: tp 1 of 2 / 1
    assert report.precision.tolist() == pytest.approx([1.0, 0.5, 0.5])
    assert report.recall.tolist() == pytest.approx([2 / 3, 0.5, 1.0])
    f1 = [2 * 1 * (2 / 3) / (1 + 2 / 3), 0.5, 2 * 0.5 * 1 / 1.5]
    assert report.f1.tolist() == pytest.approx(f1)
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.macro_f1 == pytest.approx(sum(f1) / 3)
    assert accuracy(targets, predictions) == pytest.approx(4 / 6)
    assert macro_f1(targets, predictions, 3) == pytest.approx(sum(f1) / 3)
    assert report.support.tolist() == [3, 2, 1]


def test_a_class_never_predicted_scores_zero_not_nan() -> None:
    report = classification_report([0, 0, 1, 1], [0, 0, 0, 0], 2)
    assert report.precision.tolist() == pytest.approx([0.5, 0.0])
    assert report.recall.tolist() == pytest.approx([1.0, 0.0])
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.0) / 2)


def test_macro_f1_ignores_classes_neither_present_nor_predicted() -> None:
    # Class 2 is absent from this split and never predicted: it does not drag the mean to 2/3.
    assert macro_f1([0, 1, 0, 1], [0, 1, 0, 1], 3) == pytest.approx(1.0)
    assert macro_f1([0, 1], [2, 1], 3) == pytest.approx((0 + 1 + 0) / 3)


def test_perfect_and_empty_predictions() -> None:
    report = classification_report([2, 1, 0], [2, 1, 0], 3)
    assert report.accuracy == 1.0
    assert report.macro_f1 == 1.0
    empty = classification_report([], [], 4)
    assert empty.accuracy == 0.0
    assert empty.macro_f1 == 0.0
    assert empty.confusion.shape == (4, 4)


def test_mismatched_or_out_of_range_input_is_refused() -> None:
    with pytest.raises(ValueError, match="targets but"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match="class indices"):
        confusion_matrix([0, 3], [0, 1], 2)
