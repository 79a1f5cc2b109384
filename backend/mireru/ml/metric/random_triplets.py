"""Random triplets (the baseline search mining is compared with): an anchor with another image of
its target and an image of any other target, all drawn uniformly."""

import torch

from mireru.ml.metric.class_index import ClassIndex


def random_triplets(
    targets: torch.Tensor, count: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`count` (anchor, positive, negative) index triplets; anchors are drawn among examples that
    have both a positive and a negative. Empty tensors when no example has both."""
    classes = ClassIndex(targets)
    eligible = (classes.has_positive() & classes.has_negative()).nonzero().squeeze(1)
    if eligible.numel() == 0 or count <= 0:
        empty = torch.empty(0, dtype=torch.long)
        return empty, empty, empty
    anchors = eligible[torch.randint(0, eligible.numel(), (count,), generator=generator)]
    return (
        anchors,
        classes.random_positive(anchors, generator),
        classes.random_negative(anchors, generator),
    )
