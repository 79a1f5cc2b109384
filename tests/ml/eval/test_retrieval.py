"""Retrieval metrics on hand-made vectors, worked out by hand: Recall@K, Precision@K, mAP@R,
per class, the query left out of its own results, and ids for queries inside a gallery."""

import math

import numpy as np
import pytest

from mireru.ml.eval.retrieval import retrieval_scores


def _unit(degrees: list[float]) -> np.ndarray:
    rad = np.radians(degrees)
    return np.stack([np.cos(rad), np.sin(rad)], axis=1)


def test_metrics_on_a_hand_made_ranking() -> None:
    # Class 0 at 0, 10, 40 degrees; class 1 at 20 and 100 degrees.
    x = _unit([0, 10, 40, 20, 100])
    t = [0, 0, 0, 1, 1]
    s = retrieval_scores(x, t, ks=(1, 2))
    # Rankings (itself left out), relevant marked *:
    #   q0 (0):   10*, 20, 40*, 100      R=2: P@1=1, P@2 at rank 3 = 2/3 -> AP@R = (1 + 0)/2 = 0.5
    #   q1 (10):  0*, 20, 40*, 100       AP@R = (1 + 0)/2 = 0.5  (rank 2 is not relevant)
    #   q2 (40):  20, 10*, 0*, 100       AP@R = (0 + 1/2)/2 = 0.25
    #   q3 (20):  10, 0, 40, 100*        R=1: AP@R = 0
    #   q4 (100): 40, 20*, 10, 0         R=1: AP@R = 0
    assert s.queries == 5
    assert s.unanswerable == 0
    assert s.recall[1] == pytest.approx(2 / 5)  # q0, q1
    assert s.recall[2] == pytest.approx(4 / 5)  # + q2 (10 at rank 2), q4 (20 at rank 2)
    assert s.precision[2] == pytest.approx((1 / 2 + 1 / 2 + 1 / 2 + 0 + 1 / 2) / 5)
    assert s.map_at_r == pytest.approx((0.5 + 0.5 + 0.25 + 0 + 0) / 5)
    assert s.per_class[0].queries == 3
    assert s.per_class[0].recall[1] == pytest.approx(2 / 3)
    assert s.per_class[0].map_at_r == pytest.approx((0.5 + 0.5 + 0.25) / 3)
    assert s.per_class[1].recall[1] == 0.0
    assert s.flat("eval/")["eval/map@r"] == pytest.approx(s.map_at_r)


def test_perfect_clusters_score_one_and_singletons_are_not_scored() -> None:
    x = _unit([0, 1, 2, 90, 91, 180])
    s = retrieval_scores(x, [0, 0, 0, 1, 1, 2], ks=(1, 5, 10))
    assert s.queries == 5
    assert s.unanswerable == 1  # class 2 has no other member
    assert s.recall == {1: 1.0, 5: 1.0, 10: 1.0}
    assert s.map_at_r == 1.0
    # 5 others to look at: precision@10 counts over the 5 that exist, like precision@5.
    assert s.precision[5] == pytest.approx((2 / 5 * 3 + 1 / 5 * 2) / 5)
    assert s.precision[10] == pytest.approx(s.precision[5])


def test_queries_inside_a_gallery_are_left_out_by_id() -> None:
    gallery = _unit([0, 5, 90, 95])
    gallery_targets = [0, 0, 1, 1]
    # The query is gallery item 1 itself: without ids it would find itself first.
    s = retrieval_scores(
        gallery[1:2], [0], gallery, gallery_targets, query_ids=[11], gallery_ids=[10, 11, 12, 13], ks=(1,)
    )
    assert s.recall[1] == 1.0  # item 10 (0 deg), not itself
    assert s.map_at_r == 1.0
    wrong = retrieval_scores(
        gallery[1:2], [1], gallery, gallery_targets, query_ids=[11], gallery_ids=[10, 11, 12, 13]
    )
    assert wrong.recall[1] == 0.0


def test_l2_and_inner_product_metrics_rank_by_their_own_measure() -> None:
    # Not normalised: by inner product the long vector wins, by l2 and cosine the near one does.
    g = np.array([[1.0, 0.1], [10.0, 8.0]])
    q = np.array([[1.0, 0.0]])
    for metric, hit in (("cosine", 1.0), ("l2", 1.0), ("ip", 0.0)):
        s = retrieval_scores(q, [0], g, [0, 1], ks=(1,), metric=metric)  # type: ignore[arg-type]
        assert s.recall[1] == hit, metric


def test_bad_input_is_refused_and_no_scorable_query_gives_nan() -> None:
    with pytest.raises(ValueError, match="targets"):
        retrieval_scores(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="dimensions"):
        retrieval_scores(np.zeros((1, 2)), [0], np.zeros((2, 3)), [0, 0])
    s = retrieval_scores(_unit([0, 90]), [0, 1])
    assert s.queries == 0
    assert math.isnan(s.map_at_r)
