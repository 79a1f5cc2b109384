"""Pairing outputs with keywords on hand-made distances, and the set loss on hand-made vectors."""

import numpy as np
import pytest
import torch

from mireru.ml.keyword_estimation.loss import KeywordSetLoss, euclidean
from mireru.ml.keyword_estimation.metrics import SetEvaluator, at_k, first_occurrence
from mireru.ml.keyword_estimation.pairing import greedy_assignment, greedy_pairing, hungarian_pairing
from mireru.ml.keyword_estimation.threshold import choose_threshold

# Greedy takes the shortest pair (output 0, keyword 0) = 1 first and is then left with
# (output 1, keyword 1) = 10: total 11. The optimal assignment crosses over: 2 + 2 = 4.
TRAP = np.array([[1.0, 2.0], [2.0, 10.0]])


def test_greedy_takes_the_shortest_pair_first_and_hungarian_minimises_the_total() -> None:
    assert greedy_pairing(TRAP) == [(0, 0), (1, 1)]
    assert hungarian_pairing(TRAP) == [(0, 1), (1, 0)]


def test_both_agree_when_the_shortest_pairs_are_also_optimal() -> None:
    dist = torch.tensor([[5.0, 0.1, 7.0], [0.2, 6.0, 9.0], [8.0, 9.0, 0.3]])
    expected = [(0, 1), (1, 0), (2, 2)]
    assert greedy_pairing(dist) == expected
    assert hungarian_pairing(dist) == expected


def test_more_outputs_than_keywords_pairs_each_keyword_once() -> None:
    # Four outputs, two keywords: output 2 is nearest to both; greedy gives it keyword 1 (0.1),
    # so keyword 0 goes to its next-nearest output, 3 (0.5).
    dist = np.array([[3.0, 4.0], [2.0, 9.0], [0.2, 0.1], [0.5, 6.0]])
    assert greedy_pairing(dist) == [(2, 1), (3, 0)]
    assert hungarian_pairing(dist) == [(2, 1), (3, 0)]
    # More keywords than outputs: every output is used once, the farthest keyword is left out.
    assert greedy_pairing(dist.T) == [(0, 3), (1, 2)]


def test_batched_greedy_ignores_padding_and_keeps_pairs_of_images_that_ran_out() -> None:
    dist = torch.tensor(
        [
            [[1.0, 2.0, 0.0], [2.0, 10.0, 0.0], [4.0, 4.0, 0.0]],  # two real keywords; a padded 0.0 column
            [[9.0, 9.0, 9.0], [0.5, 9.0, 9.0], [9.0, 9.0, 9.0]],  # one real keyword
        ]
    )
    mask = torch.tensor([[True, True, False], [True, False, False]])
    pairs = greedy_assignment(dist, mask)
    assert pairs[0].nonzero().tolist() == [[0, 0], [2, 1]]  # output 2 (4.0) beats output 1 (10.0)
    assert pairs[1].nonzero().tolist() == [[1, 0]]


def test_a_matrix_is_required() -> None:
    with pytest.raises(ValueError, match="distance matrix"):
        greedy_pairing(np.zeros(3))


@pytest.mark.parametrize("pairing", ["greedy", "hungarian"])
def test_the_loss_moves_paired_outputs_to_their_keywords_and_leftovers_to_zero(pairing: str) -> None:
    torch.manual_seed(0)
    keywords = torch.nn.functional.normalize(torch.randn(2, 3, 4), dim=2)
    mask = torch.tensor([[True, True, False], [True, True, True]])  # m = 2 and 3 of n = 5 outputs
    outputs = (torch.randn(2, 5, 4) * 0.5).requires_grad_(True)
    loss_fn = KeywordSetLoss(pairing, leftover_weight=1.0)  # type: ignore[arg-type]
    optimizer = torch.optim.SGD([outputs], lr=0.1)
    first = float(loss_fn(outputs, keywords, mask).detach())
    for _ in range(300):
        optimizer.zero_grad()
        loss = loss_fn(outputs, keywords, mask)
        loss.backward()
        optimizer.step()
    assert float(loss.detach()) < 1e-3 < first
    norms = outputs.detach().norm(dim=2)
    for image, m in enumerate((2, 3)):
        ranked = norms[image].sort(descending=True).values
        assert torch.allclose(ranked[:m], torch.ones(m), atol=0.02)  # paired: on a unit keyword
        assert float(ranked[m:].max()) < 0.02  # leftovers: at zero
        # Every keyword has an output sitting on it.
        sims = keywords[image, :m] @ outputs.detach()[image].T
        assert torch.all(sims.max(dim=1).values > 0.98)


def test_the_loss_value_on_hand_made_vectors() -> None:
    outputs = torch.tensor([[[1.0, 0.0], [0.0, 0.5], [0.3, 0.4]]])
    keywords = torch.tensor([[[0.0, 1.0], [9.0, 9.0]]])  # the second one is padding
    mask = torch.tensor([[True, False]])
    # Output 1 pairs with the keyword: (0.5)^2 = 0.25; leftovers ||o||^2: 1 + 0.25 -> times 0.5.
    assert float(KeywordSetLoss("greedy", 0.5)(outputs, keywords, mask)) == pytest.approx(0.25 + 0.625)
    # Plain L2: 0.5 + 0.5 * (1 + 0.5).
    assert float(KeywordSetLoss("greedy", 0.5, euclidean)(outputs, keywords, mask)) == pytest.approx(1.25)
    # An image with no keyword at all: every output is a leftover.
    none = torch.tensor([[False, False]])
    assert float(KeywordSetLoss("hungarian", 1.0)(outputs, keywords, none)) == pytest.approx(1.5)


def test_set_metrics_count_a_word_once_and_pick_the_separating_threshold() -> None:
    # Image 0 truly has words {0, 1}; image 1 has {2}. Output strengths (norms) and nearest words:
    strength = torch.tensor([[0.9, 0.8, 0.85, 0.1], [0.95, 0.2, 0.15, 0.05]])
    word = torch.tensor([[0, 1, 0, 3], [2, 2, 1, 0]])
    truth = torch.tensor([[True, True, False, False], [False, False, True, False]])
    new = first_occurrence(strength, word)
    assert new.tolist() == [[True, True, False, True], [True, False, True, True]]
    counts = SetEvaluator(strength, word, truth).counts(0.5)
    assert counts.predicted.tolist() == [2.0, 1.0]
    assert counts.mean_f1() == 1.0
    assert counts.count_error() == 0.0
    choice = choose_threshold(strength, word, truth)
    assert 0.15 <= choice.threshold < 0.8  # output (1, 1) at 0.2 repeats word 2, so it does no harm
    assert choice.f1 == 1.0
    ranked = at_k(torch.tensor([[0.9, 0.1, 0.8, 0.0], [0.1, 0.2, 0.9, 0.0]]), truth, k=2)
    assert ranked.precision == pytest.approx((0.5 + 0.5) / 2)
    assert ranked.recall == pytest.approx((0.5 + 1.0) / 2)
