"""TripletMarginLoss: mean of max(0, d(anchor, positive) - d(anchor, negative) + margin)."""

import torch
from torch import nn

from mireru.ml.metric.distances import Distance, cosine_distance


class TripletMarginLoss(nn.Module):
    """The distance is an argument (cosine by default, for L2-normalised embeddings)."""

    def __init__(self, margin: float = 0.2, distance: Distance = cosine_distance) -> None:
        super().__init__()
        if margin < 0:
            raise ValueError(f"the margin must be >= 0, got {margin}")
        self.margin = margin
        self.distance = distance

    def forward(self, anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
        if not anchor.shape == positive.shape == negative.shape:
            raise ValueError(
                f"anchor, positive and negative shapes differ: {anchor.shape}, {positive.shape}, "
                f"{negative.shape}"
            )
        if anchor.shape[0] == 0:
            # No triplet: a zero that still belongs to the graph, so backward() works.
            return anchor.sum() * 0.0
        a, p, n = anchor.float(), positive.float(), negative.float()
        losses = torch.relu(self.distance(a, p) - self.distance(a, n) + self.margin)
        return losses.mean()
