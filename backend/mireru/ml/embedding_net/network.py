"""The embedding network: a backbone (a tiny CNN, or a torchvision / open_clip image tower from
mireru.ml.backbones) followed by a linear projection and L2 normalisation.

Base model names: "tiny-cnn" (random init, a few conv layers, for tests and CPU demos), or
"<family>:<name>[@<pretrained>]" such as "torchvision:mobilenet_v2@IMAGENET1K_V1" or
"open_clip:ViT-B-32@openai".
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from mireru.ml.train.data import IMAGENET_MEAN, IMAGENET_STD

TINY_CNN = "tiny-cnn"
FAMILIES = ("torchvision", "open_clip")


class TinyCNN(nn.Module):
    """Three conv blocks (GroupNorm, so batches of any size work) and global average pooling."""

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = 3
        for i in range(3):
            out = width * 2**i
            layers += [nn.Conv2d(channels, out, 3, stride=2, padding=1), nn.GroupNorm(4, out), nn.ReLU()]
            channels = out
        self.body = nn.Sequential(*layers)
        self.feature_dim = channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.body(x).mean(dim=(2, 3))
        return out


@dataclass(frozen=True)
class BaseModel:
    """A parsed base model name."""

    family: str  # "tiny-cnn", "torchvision" or "open_clip"
    name: str
    pretrained: str | None

    @classmethod
    def parse(cls, text: str) -> "BaseModel":
        if text == TINY_CNN:
            return cls(TINY_CNN, TINY_CNN, None)
        family, sep, rest = text.partition(":")
        if not sep or family not in FAMILIES or not rest:
            raise ValueError(
                f"base model {text!r}: use {TINY_CNN!r} or '<family>:<name>[@<pretrained>]' with "
                f"family one of {', '.join(FAMILIES)}, e.g. 'torchvision:mobilenet_v2@IMAGENET1K_V1'"
            )
        name, _, pretrained = rest.partition("@")
        return cls(family, name, pretrained or None)


@dataclass
class BuiltBackbone:
    module: nn.Module
    feature_dim: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


def build_backbone(base: BaseModel, image_size: int, pretrained: bool = True) -> BuiltBackbone:
    """The trainable image tower. `pretrained=False` builds the architecture only (inference loads
    the fine-tuned weights over it, so nothing is downloaded)."""
    if base.family == TINY_CNN:
        tiny = TinyCNN()
        return BuiltBackbone(tiny, tiny.feature_dim, IMAGENET_MEAN, IMAGENET_STD)
    from mireru.ml import backbones

    spec = backbones.BackboneSpec(
        family=base.family,  # type: ignore[arg-type]
        name=base.name,
        pretrained=base.pretrained if pretrained else None,
        image_size=image_size,
    )
    built = backbones.build_backbone(spec)
    tower = built.image_tower.requires_grad_(True)
    dim = backbones.feature_dimension(built)
    pre = built.preprocess
    return BuiltBackbone(tower, dim, tuple(pre.mean), tuple(pre.std))  # type: ignore[arg-type]


class EmbeddingNet(nn.Module):
    """backbone -> [batch-norm neck] -> linear projection -> L2-normalised embedding.

    The optional neck standardises the backbone's features. Pooled ReLU features are all positive
    and share a large mean, so without it every image starts in a narrow cone (cosine ~0.99 between
    random images), where distance-based losses such as the triplet loss stall at their margin."""

    def __init__(self, backbone: nn.Module, feature_dim: int, embedding_dim: int, neck: bool = False) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck: nn.Module | None = nn.BatchNorm1d(feature_dim) if neck else None
        self.projection = nn.Linear(feature_dim, embedding_dim)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """What the projection sees: backbone features, standardised by the neck if there is one."""
        features: torch.Tensor = self.backbone(x).flatten(1).float()
        if self.neck is not None:
            standardised: torch.Tensor = self.neck(features)
            return standardised
        return features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.projection(self.features(x)), dim=-1)


class ProxyTrainer(nn.Module):
    """Training wrapper: cosine similarity to one learned proxy per class, divided by a
    temperature (normalised-softmax loss). Only `net` is exported."""

    def __init__(self, net: EmbeddingNet, num_classes: int, embedding_dim: int, temperature: float) -> None:
        super().__init__()
        self.net = net
        self.proxies = nn.Parameter(torch.randn(num_classes, embedding_dim) * 0.1)
        self.temperature = temperature

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        embeddings = self.net(x)
        logits: torch.Tensor = embeddings @ F.normalize(self.proxies.float(), dim=-1).T
        return logits / self.temperature
