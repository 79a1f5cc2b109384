"""Triplet loss, batch-hard and random triplets, the class index, and the search engines'
agreement with each other, on tiny hand-made tensors."""

import math

import pytest
import torch

from mireru.ml.metric.batch_hard_miner import batch_hard_triplets
from mireru.ml.metric.class_index import ClassIndex
from mireru.ml.metric.distances import cosine_distance, euclidean_distance
from mireru.ml.metric.exact_search import ExactSearch
from mireru.ml.metric.ivf_search import IVFSearch
from mireru.ml.metric.random_triplets import random_triplets
from mireru.ml.metric.triplet_loss import TripletMarginLoss


def _unit(degrees: list[float]) -> torch.Tensor:
    rad = torch.tensor(degrees) * math.pi / 180
    return torch.stack([torch.cos(rad), torch.sin(rad)], dim=1)


def test_triplet_margin_loss_by_hand() -> None:
    a, p, n = _unit([0]), _unit([60]), _unit([90])
    # cosine distances: d(a,p) = 0.5, d(a,n) = 1.0; loss = max(0, 0.5 - 1.0 + m)
    assert float(TripletMarginLoss(0.2)(a, p, n)) == pytest.approx(0.0)
    assert float(TripletMarginLoss(0.7)(a, p, n)) == pytest.approx(0.2)
    loss = TripletMarginLoss(1.0, distance=euclidean_distance)(a, p, n)
    assert float(loss) == pytest.approx(1.0 - math.sqrt(2) + 1.0)
    empty = torch.zeros(0, 2, requires_grad=True)
    zero = TripletMarginLoss()(empty, empty, empty)
    zero.backward()  # no triplet: still differentiable
    assert float(zero.detach()) == 0.0
    assert float(cosine_distance(a, a)[0]) == pytest.approx(0.0)


def test_batch_hard_picks_the_hardest_positive_and_negative_in_the_batch() -> None:
    x = _unit([0, 10, 50, 20, 100, 180])
    t = torch.tensor([0, 0, 0, 1, 1, 2])
    a, p, n = batch_hard_triplets(x, t)
    got = {int(i): (int(j), int(k)) for i, j, k in zip(a, p, n, strict=True)}
    # Anchor 0 (0 deg): positives 10, 50 -> hardest 50 (index 2); negatives 20, 100, 180 -> hardest 20.
    assert got[0] == (2, 3)
    assert got[1] == (2, 3)
    assert got[2] == (0, 3)  # 50 deg: farthest positive 0 deg; nearest negative 20 deg
    assert got[3] == (4, 1)  # 20 deg: its only positive 100 deg; nearest negative 10 deg
    assert got[4] == (3, 2)  # 100 deg: positive 20 deg; nearest negative 50 deg
    assert 5 not in got  # no positive in the batch


def test_class_index_and_random_triplets_respect_the_targets() -> None:
    targets = torch.tensor([5, 3, 5, 3, 5, 9, -1, -1])
    idx = ClassIndex(targets)
    assert idx.num_classes == 4
    assert idx.class_size(torch.tensor([0, 1, 5])).tolist() == [3, 2, 1]
    g = torch.Generator().manual_seed(0)
    a, p, n = random_triplets(targets, 500, g)
    assert len(a) == 500
    assert bool((targets[a] == targets[p]).all())
    assert bool((a != p).all())
    assert bool((targets[a] != targets[n]).all())
    assert 5 not in set(a.tolist())  # target 9 has no second example
    assert set(n.tolist()) >= {5}  # but it is a negative for the others
    table = idx.members(2, g)
    assert table.shape == (4, 2)
    for row in table.tolist():
        kept = [i for i in row if i >= 0]
        assert len({int(targets[i]) for i in kept}) <= 1


def test_ivf_with_enough_probes_matches_exact_search() -> None:
    g = torch.Generator().manual_seed(1)
    x = torch.nn.functional.normalize(torch.randn(400, 16, generator=g), dim=1)
    exact, ivf = ExactSearch(), IVFSearch(lists=8, probes=8)
    exact.build(x)
    ivf.build(x)
    e, i = exact.search(x[:50], 10), ivf.search(x[:50], 10)
    assert torch.equal(e.ids, i.ids)
    partial = IVFSearch(lists=8, probes=2)
    partial.build(x)
    hits = partial.search(x[:50], 10)
    overlap = sum(len(set(a) & set(b)) for a, b in zip(hits.ids.tolist(), e.ids.tolist(), strict=True))
    assert overlap / 500 > 0.3  # approximate: some of the true neighbours, never garbage ids
    assert int(hits.ids.min()) >= 0
    # More results asked for than vectors exist: padded with -1 / -inf.
    small = ExactSearch()
    small.build(x[:3])
    padded = small.search(x[:1], 5)
    assert padded.ids[0, 3:].tolist() == [-1, -1]
    assert math.isinf(float(padded.scores[0, 4]))
