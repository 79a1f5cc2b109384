"""BatchHardTask (a baseline): online batch-hard mining. Each item is an image and another image
of its target (drawn afresh every epoch), so every anchor has a positive in its batch; inside the
batch each anchor's hardest positive and hardest negative form its triplet."""

import time
from typing import Any

import torch
from torch import nn
from torch.utils.data import Dataset

from mireru.ml.metric.batch_hard_miner import batch_hard_triplets
from mireru.ml.metric.class_index import ClassIndex
from mireru.ml.metric.metric_task import MetricConfig, MetricTask
from mireru.ml.metric.triplet_data import PairImages
from mireru.ml.metric.triplet_loss import TripletMarginLoss
from mireru.ml.train.data import Record, train_transform
from mireru.ml.train.task import EpochContext


class BatchHardTask(MetricTask):
    method = "batch_hard"
    prepare_is_mining = False

    def __init__(
        self, config: MetricConfig, train: list[Record], val: list[Record], margin: float = 0.2, seed: int = 0
    ) -> None:
        super().__init__(config, train, val)
        self.loss = TripletMarginLoss(margin)
        self.seed = seed
        self._data: PairImages | None = None
        self._in_pass_s = 0.0

    def train_dataset(self) -> Dataset[Any]:
        transform = train_transform(self.config.image_size, self.mean, self.std)
        self._data = PairImages(self.train_records, transform)
        return self._data

    def prepare_epoch(self, model: nn.Module, ctx: EpochContext) -> dict[str, float]:  # noqa: ARG002
        if self._data is None:
            raise RuntimeError("train_dataset() first")
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + ctx.epoch)
        classes = ClassIndex(self.targets(self.train_records))
        self._data.set_partners(classes.random_positive(torch.arange(len(self.train_records)), generator))
        self._in_pass_s = 0.0
        return {}

    def in_pass_mining_s(self) -> float:
        return self._in_pass_s

    def step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        first, second, targets = batch
        images = torch.cat([first, second]).to(device, non_blocking=True)
        targets = torch.cat([targets, targets]).to(device, non_blocking=True)
        out = model(images)
        started = time.perf_counter()
        a, p, n = batch_hard_triplets(out.detach(), targets)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        self._in_pass_s += time.perf_counter() - started
        return self.loss(out[a], out[p], out[n]), int(first.shape[0])

    def notes(self) -> list[str]:
        margin = self.loss.margin
        return [f"batch-hard triplets: {self.describe_model()}, triplet margin loss (margin {margin})"]
