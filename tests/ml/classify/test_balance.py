"""Class weighting and balanced sampling for skewed data, and the loop's weighted sampler."""

from collections import Counter

import pytest

from mireru.ml.classify.balance import balanced_class_weights, balanced_sample_weights
from mireru.ml.train.distributed import ShardedSampler


def test_balanced_class_weights_are_inverse_frequency() -> None:
    targets = [0] * 8 + [1] * 2
    weights = balanced_class_weights(targets, 3)
    # n / (classes present * count): 10 / (2 * 8), 10 / (2 * 2); class 2 has no examples.
    assert weights == pytest.approx([0.625, 2.5, 0.0])
    # Each present class then carries the same total weight.
    assert weights[0] * 8 == pytest.approx(weights[1] * 2)


def test_weighted_sampler_draws_classes_equally_often_and_replays_an_epoch() -> None:
    targets = [0] * 90 + [1] * 10
    sampler = ShardedSampler(len(targets), seed=3, weights=balanced_sample_weights(targets))
    sampler.set_epoch(1)
    first = list(sampler)
    assert len(first) == len(targets)
    counts = Counter(targets[i] for i in first)
    assert 30 <= counts[1] <= 70, counts  # about half, against 10 % in the data
    sampler.set_epoch(1, skip=40)
    assert list(sampler) == first[40:]  # resuming mid-epoch replays the same draw
    sampler.set_epoch(2)
    assert list(sampler) != first


def test_weighted_sampler_shards_across_ranks_and_checks_weights() -> None:
    weights = [1.0] * 10
    shards = [ShardedSampler(10, rank=r, world_size=2, weights=weights) for r in range(2)]
    for shard in shards:
        shard.set_epoch(1)
    assert [len(list(s)) for s in shards] == [5, 5]
    with pytest.raises(ValueError, match="weights"):
        ShardedSampler(3, weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="weights"):
        ShardedSampler(2, weights=[0.0, 0.0])


def test_unweighted_sampler_is_unchanged() -> None:
    sampler = ShardedSampler(6, seed=1)
    sampler.set_epoch(1)
    assert sorted(sampler) == list(range(6))
