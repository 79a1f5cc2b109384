"""SearchTripletMiner on hand-made embeddings: it returns exactly the negatives that rank above a
positive (hardest first, capped per query), semi-hard ones on request, with either engine."""

import math

import pytest
import torch

from mireru.ml.metric.exact_search import ExactSearch
from mireru.ml.metric.ivf_search import IVFSearch
from mireru.ml.metric.triplet_miner import SearchTripletMiner


def _unit(degrees: list[float]) -> torch.Tensor:
    rad = torch.tensor(degrees) * math.pi / 180
    return torch.stack([torch.cos(rad), torch.sin(rad)], dim=1)


# Points on the unit circle. Class 0 at 0, 10 and 80 degrees; class 1 at 20, 90 and 85; a lone
# class 2 at 180 (it has no positive, so it is never a query, only a negative).
ANGLES = [0.0, 10.0, 80.0, 20.0, 90.0, 85.0, 180.0]
TARGETS = torch.tensor([0, 0, 0, 1, 1, 1, 2])


def _as_set(mined: object) -> set[tuple[int, int, int]]:
    a, p, n = mined.anchors.tolist(), mined.positives.tolist(), mined.negatives.tolist()  # type: ignore[attr-defined]
    return set(zip(a, p, n, strict=True))


def _brute_force(x: torch.Tensor, targets: torch.Tensor) -> set[tuple[int, int, int]]:
    """Every (q, hardest positive, n) with sim(q, n) > sim(q, hardest positive)."""
    sims = x @ x.T
    out = set()
    for q in range(len(x)):
        pos = [j for j in range(len(x)) if j != q and targets[j] == targets[q]]
        if not pos:
            continue
        p = min(pos, key=lambda j: float(sims[q, j]))
        for n in range(len(x)):
            if targets[n] != targets[q] and sims[q, n] > sims[q, p]:
                out.add((q, p, n))
    return out


def test_the_miner_returns_exactly_the_violating_negatives() -> None:
    x = _unit(ANGLES)
    mined = SearchTripletMiner(ExactSearch, k=6, max_per_query=10).mine(x, TARGETS)
    # Worked by hand: query 0's hardest positive is 2 (80 deg, cos 0.17); only 3 (20 deg) is more
    # similar among the negatives. Query 1 (10 deg): hardest positive 2 (cos 0.34), negative 3
    # (cos 0.98) above it. Query 2 (80 deg): hardest positive 0 (cos 0.17); negatives 5, 4, 3 (85,
    # 90, 20 deg) all above. Query 3 (class 1 at 20 deg): hardest positive 4 (cos 0.34); 1, 0, 2
    # above it. Query 4 (90 deg): hardest positive 3 (cos 0.34); 2 (cos 0.98) above it, 1 (cos
    # 0.17) not. Query 5 (85 deg): hardest positive 3 (cos 0.42); 2 (cos 0.99) above it.
    expected = {
        (0, 2, 3),
        (1, 2, 3),
        (2, 0, 5),
        (2, 0, 4),
        (2, 0, 3),
        (3, 4, 1),
        (3, 4, 0),
        (3, 4, 2),
        (4, 3, 2),
        (5, 3, 2),
    }
    assert _as_set(mined) == expected
    assert mined.queries == 6  # the lone class-2 item has no positive
    assert mined.violating_queries == 6
    assert mined.violations == len(expected)
    assert mined.semi_hard == 0
    assert "exact in-memory search" in mined.engine


def test_hardest_violations_come_first_and_the_cap_keeps_them() -> None:
    x = _unit(ANGLES)
    mined = SearchTripletMiner(ExactSearch, k=6, max_per_query=1).mine(x, TARGETS)
    kept = {a: n for a, _, n in _as_set(mined)}
    # Query 2 (80 deg) has violations 5 (85), 4 (90) and 3 (20): the most similar one, 5, is kept.
    assert kept[2] == 5
    # Query 3 (20 deg): 1 (10 deg) is its most similar violating negative.
    assert kept[3] == 1
    assert len(mined) == 6
    assert mined.violations == 10  # counted before the cap


def test_random_embeddings_match_a_brute_force_reference_with_both_engines() -> None:
    g = torch.Generator().manual_seed(3)
    x = torch.nn.functional.normalize(torch.randn(60, 8, generator=g), dim=1)
    targets = torch.randint(0, 6, (60,), generator=g)
    reference = _brute_force(x, targets)
    exact = SearchTripletMiner(ExactSearch, k=59, max_per_query=59).mine(x, targets)
    assert _as_set(exact) == reference
    # IVF probing every list is exact too.
    ivf = SearchTripletMiner(lambda: IVFSearch(lists=5, probes=5), k=59, max_per_query=59).mine(x, targets)
    assert _as_set(ivf) == reference
    assert "IVF" in ivf.engine


def test_semi_hard_share_adds_negatives_just_below_the_hardest_positive() -> None:
    x = _unit(ANGLES)
    # Query 0 (0 deg): hardest positive 2 at cos 0.174; negatives 4 (cos 0.0) and 5 (cos 0.087)
    # rank below it but within a margin of 0.2: semi-hard. 6 (cos -1) is not.
    mined = SearchTripletMiner(ExactSearch, k=6, max_per_query=4, semi_hard_share=0.5, margin=0.2).mine(
        x, TARGETS
    )
    for_query_0 = {(p, n) for a, p, n in _as_set(mined) if a == 0}
    assert for_query_0 == {(2, 3), (2, 4), (2, 5)}
    assert mined.semi_hard > 0


def test_queries_whose_positives_rank_first_give_no_triplet() -> None:
    x = _unit([0.0, 1.0, 90.0, 91.0])
    mined = SearchTripletMiner(ExactSearch, k=3).mine(x, torch.tensor([0, 0, 1, 1]))
    assert len(mined) == 0
    assert (mined.queries, mined.violating_queries, mined.violation_share) == (4, 0, 0.0)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="semi_hard_share"):
        SearchTripletMiner(ExactSearch, semi_hard_share=2.0)
    with pytest.raises(ValueError, match=">= 1"):
        SearchTripletMiner(ExactSearch, k=0)
    with pytest.raises(ValueError, match="targets"):
        SearchTripletMiner(ExactSearch).mine(torch.zeros(3, 2), torch.zeros(4, dtype=torch.long))


def test_random_positives_keep_the_same_negatives_and_a_positive_loss() -> None:
    g = torch.Generator().manual_seed(5)
    x = torch.nn.functional.normalize(torch.randn(80, 8, generator=g), dim=1)
    targets = torch.randint(0, 4, (80,), generator=g)
    hardest = SearchTripletMiner(ExactSearch, k=79, max_per_query=79).mine(x, targets)
    chosen = SearchTripletMiner(ExactSearch, k=79, max_per_query=79, positive="random", margin=0.2).mine(
        x, targets
    )
    assert {(a, n) for a, _, n in _as_set(chosen)} == {(a, n) for a, _, n in _as_set(hardest)}
    sims = x @ x.T
    for a, p, n in _as_set(chosen):
        assert targets[p] == targets[a]
        assert p != a
        assert sims[a, p] < sims[a, n] + 0.2  # the triplet loss is positive
    # Not always the hardest one: the choice spreads over the eligible positives.
    assert len({p for _, p, _ in _as_set(chosen)}) > len({p for _, p, _ in _as_set(hardest)})
