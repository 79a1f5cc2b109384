"""ClassificationTask (a baseline): softmax cross-entropy over the targets with a linear classifier
on the embedding layer; search uses that penultimate layer's L2-normalised output."""

from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn
from torch.utils.data import Dataset

from mireru.ml.embedding_net.network import EmbeddingNet
from mireru.ml.metric.metric_task import MetricTask
from mireru.ml.train.data import ImageRecords, train_transform
from mireru.ml.train.task import EpochContext


class SoftmaxClassifier(nn.Module):
    """net's projection (before normalisation) -> linear layer -> one logit per target."""

    def __init__(self, net: EmbeddingNet, num_classes: int) -> None:
        super().__init__()
        self.net = net
        self.head = nn.Linear(net.projection.out_features, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.net.projection(self.net.features(x)))
        return logits


class ClassificationTask(MetricTask):
    method = "classification"
    prepare_is_mining = False

    def build_model(self) -> nn.Module:
        num_classes = max(len(self.config.classes), max(r.target for r in self.train_records) + 1)
        return SoftmaxClassifier(self.build_net(), num_classes)

    def train_dataset(self) -> Dataset[Any]:
        return ImageRecords(self.train_records, train_transform(self.config.image_size, self.mean, self.std))

    def prepare_epoch(self, model: nn.Module, ctx: EpochContext) -> dict[str, float]:  # noqa: ARG002
        return {}

    def step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, targets = batch
        logits = model(images.to(device, non_blocking=True))
        return F.cross_entropy(logits.float(), targets.to(device, non_blocking=True)), int(targets.shape[0])

    def notes(self) -> list[str]:
        return [f"classification: {self.describe_model()}, softmax cross-entropy on the embedding layer"]
