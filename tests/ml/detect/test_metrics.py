"""COCO-style mAP on hand-made boxes: perfect, shifted, missed and duplicate detections."""

import math

import numpy as np
import pytest

from mireru.ml.detect.metrics import ImageBoxes, average_precision, box_iou, mean_average_precision

TRUTH = [
    ImageBoxes.of([[0, 0, 10, 10], [20, 20, 40, 40]], [0, 1]),
    ImageBoxes.of([[5, 5, 25, 15]], [0]),
]


def perfect() -> list[ImageBoxes]:
    return [ImageBoxes.of(t.boxes, t.labels, [0.9] * len(t.labels)) for t in TRUTH]


def test_box_iou_of_known_boxes() -> None:
    a = np.array([[0, 0, 10, 10]], dtype=float)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]], dtype=float)
    assert box_iou(a, b) == pytest.approx(np.array([[1.0, 50 / 150, 0.0]]))
    assert box_iou(a, np.zeros((0, 4))).shape == (1, 0)


def test_perfect_detections_score_one() -> None:
    result = mean_average_precision(perfect(), TRUTH)
    assert (result.map, result.map50, result.map75) == (1.0, 1.0, 1.0)
    assert result.per_class == {0: 1.0, 1: 1.0}


def test_a_box_shifted_to_iou_0_6_counts_only_at_thresholds_up_to_0_6() -> None:
    # Shifting a 10 x 10 box right by 2.5 px gives IoU 7.5*10 / (12.5*10) = 0.6.
    truth = [ImageBoxes.of([[0, 0, 10, 10]], [0])]
    shifted = [ImageBoxes.of([[2.5, 0, 12.5, 10]], [0], [0.8])]
    result = mean_average_precision(shifted, truth)
    assert result.map50 == 1.0
    assert result.map75 == 0.0
    assert result.map == pytest.approx(3 / 10)  # matched at 0.50, 0.55 and 0.60 of the ten


def test_missed_boxes_lower_recall() -> None:
    # One of the two class-0 boxes is found: precision 1 up to recall 0.5, then nothing.
    found = [ImageBoxes.of([[0, 0, 10, 10], [20, 20, 40, 40]], [0, 1], [0.9, 0.9]), ImageBoxes.of([], [])]
    result = mean_average_precision(found, TRUTH)
    assert result.per_class[0] == pytest.approx(51 / 101)
    assert result.per_class[1] == 1.0
    assert result.map == pytest.approx((51 / 101 + 1) / 2)


def test_a_class_with_boxes_but_no_detections_scores_zero() -> None:
    found = [ImageBoxes.of([[0, 0, 10, 10]], [0], [0.9]), ImageBoxes.of([[5, 5, 25, 15]], [0], [0.9])]
    assert mean_average_precision(found, TRUTH).per_class == {0: 1.0, 1: 0.0}


def test_duplicate_detections_are_false_positives() -> None:
    # A second, lower-scored copy of each box: recall reaches 1 before any false positive, so AP
    # stays 1; ranked above the true ones, the copies would cost precision.
    dup = [
        ImageBoxes.of(
            np.concatenate([t.boxes, t.boxes]),
            np.concatenate([t.labels, t.labels]),
            [0.9] * len(t.labels) + [0.5] * len(t.labels),
        )
        for t in TRUTH
    ]
    assert mean_average_precision(dup, TRUTH).map == 1.0
    single = [ImageBoxes.of([[0, 0, 10, 10], [0, 0, 10, 10]], [0, 0], [0.9, 0.8])]
    truth = [ImageBoxes.of([[0, 0, 10, 10], [50, 50, 60, 60]], [0, 0])]
    # Ranked: TP (recall .5, precision 1), then the duplicate FP: the second box is never found.
    assert mean_average_precision(single, truth).map50 == pytest.approx(51 / 101)


def test_false_positives_ranked_first_cost_precision() -> None:
    truth = [ImageBoxes.of([[0, 0, 10, 10]], [0])]
    found = [ImageBoxes.of([[50, 50, 60, 60], [0, 0, 10, 10]], [0, 0], [0.9, 0.5])]
    assert mean_average_precision(found, truth).map50 == pytest.approx(0.5)


def test_wrong_class_is_a_miss_and_a_false_positive() -> None:
    truth = [ImageBoxes.of([[0, 0, 10, 10]], [0])]
    found = [ImageBoxes.of([[0, 0, 10, 10]], [1], [0.9])]
    assert mean_average_precision(found, truth).map == 0.0


def test_max_detections_keeps_the_best_scored() -> None:
    truth = [ImageBoxes.of([[0, 0, 10, 10]], [0])]
    noise = [[100 + i, 100, 110 + i, 110] for i in range(5)]
    found = [ImageBoxes.of([*noise, [0, 0, 10, 10]], [0] * 6, [0.9] * 5 + [0.1])]
    assert mean_average_precision(found, truth, max_detections=5).map50 == 0.0
    assert mean_average_precision(found, truth, max_detections=6).map50 == pytest.approx(
        average_precision(np.array([0.9] * 5 + [0.1]), np.array([False] * 5 + [True]), 1)
    )


def test_no_ground_truth_gives_nan_and_mismatched_lists_are_refused() -> None:
    assert math.isnan(mean_average_precision([ImageBoxes.of([], [])], [ImageBoxes.of([], [])]).map)
    with pytest.raises(ValueError, match="detection lists"):
        mean_average_precision([], TRUTH)
