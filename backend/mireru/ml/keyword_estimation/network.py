"""KeywordNet: an image backbone (tiny-cnn, or a torchvision / open_clip tower, built by
mireru.ml.embedding_net.network.build_backbone) and a head that outputs `num_outputs` vectors of
the word vectors' dimension for each image. The outputs are not normalised: their norms say
which of them stand for a keyword."""

import torch
from torch import nn

HEAD_HIDDEN = 512


class KeywordNet(nn.Module):
    """backbone -> MLP -> (B, num_outputs, dim)."""

    def __init__(self, backbone: nn.Module, feature_dim: int, num_outputs: int, dim: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.num_outputs = num_outputs
        self.dim = dim
        self.head = nn.Sequential(
            nn.Linear(feature_dim, HEAD_HIDDEN), nn.ReLU(), nn.Linear(HEAD_HIDDEN, num_outputs * dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.backbone(x).flatten(1).float()
        out: torch.Tensor = self.head(features).view(-1, self.num_outputs, self.dim)
        return out
