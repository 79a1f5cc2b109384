"""KeywordSetLoss: the set loss of the keyword network.

For an image with m keyword vectors w_1..w_m and n output vectors o_1..o_n:

    loss = sum over pairs (j, i) of D(o_j, w_i) + leftover_weight * sum over unpaired j of D(o_j, 0)

where the pairs come from `pairing.py` (greedy or Hungarian, on the same D). The batch loss is
the mean over images.

The distance D is squared Euclidean by default. Keyword vectors are L2-normalised before they get
here (the task does it), but the outputs are NOT: an output's norm says whether it stands for a
keyword at all (about 1 when it does, about 0 when it is a leftover), which a cosine distance
would throw away. With squared L2 the leftover term is simply ||o_j||^2. `euclidean` (plain L2)
is offered too: its pull toward zero does not fade as a leftover gets small.
"""

from collections.abc import Callable

import torch
from torch import nn

from mireru.ml.keyword_estimation.pairing import Pairing, assign

# Pairwise distance between (B, n, d) outputs and (B, M, d) targets -> (B, n, M).
Distance = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def squared_l2(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    diff = outputs[:, :, None, :] - targets[:, None, :, :]
    return diff.pow(2).sum(dim=-1)


def euclidean(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    # The epsilon keeps the gradient finite when an output sits exactly on its target or on zero.
    return (squared_l2(outputs, targets) + 1e-12).sqrt()


DISTANCES: dict[str, Distance] = {"squared_l2": squared_l2, "euclidean": euclidean}


class KeywordSetLoss(nn.Module):
    def __init__(
        self, pairing: Pairing = "greedy", leftover_weight: float = 1.0, distance: Distance = squared_l2
    ) -> None:
        super().__init__()
        self.pairing: Pairing = pairing
        self.leftover_weight = leftover_weight
        self.distance = distance

    def forward(
        self, outputs: torch.Tensor, keywords: torch.Tensor, keyword_mask: torch.Tensor
    ) -> torch.Tensor:
        """outputs (B, n, d); keywords (B, M, d) padded per image; keyword_mask (B, M) marks the
        real ones (first in each row). Returns the mean per-image loss."""
        outputs, keywords = outputs.float(), keywords.float()
        dist = self.distance(outputs, keywords)  # (B, n, M)
        pairs = assign(dist, keyword_mask, self.pairing)
        paired = (dist * pairs).sum(dim=(1, 2))
        zero = torch.zeros_like(outputs[:, :1, :])
        to_zero = self.distance(outputs, zero)[..., 0]  # (B, n)
        leftover = (to_zero * ~pairs.any(dim=2)).sum(dim=1)
        return (paired + self.leftover_weight * leftover).mean()
