"""WarmupClassifier: the triplet task's model when it has classification warm-up epochs.

Its forward returns both the L2-normalised embedding and the logits of a linear head on the
embedding layer (as `SoftmaxClassifier`), so one module serves the warm-up epochs (cross-entropy
on the logits) and the mining epochs (triplet loss on the embedding) and every parameter takes
part in every step: DistributedDataParallel expects that. Only `net` is exported."""

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from mireru.ml.embedding_net.network import EmbeddingNet


class WarmupClassifier(nn.Module):
    def __init__(self, net: EmbeddingNet, num_classes: int) -> None:
        super().__init__()
        self.net = net
        self.head = nn.Linear(net.projection.out_features, num_classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        projected = self.net.projection(self.net.features(x))
        logits: torch.Tensor = self.head(projected)
        return F.normalize(projected, dim=-1), logits
