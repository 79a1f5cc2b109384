"""EmbeddingTask: the `embedding` kind's part of the shared loop.

Loss: normalised softmax over learned class proxies (cosine similarity / temperature), which
needs no pair or triplet mining and works with any batch size. Validation: the loss on the
validation items, and retrieval as search users see it: each validation image queries the training
and other validation images (itself left out) by cosine similarity, scored by Recall@1/5 and
mAP@R; `val/mean_cosine` shows a collapse (see mireru.ml.eval.baseline).
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mireru.ml.embedding_net.network import BaseModel, EmbeddingNet, ProxyTrainer, build_backbone
from mireru.ml.eval.baseline import mean_pairwise_cosine
from mireru.ml.eval.retrieval import retrieval_scores
from mireru.ml.train.data import ImageRecords, Record, eval_transform, train_transform
from mireru.ml.train.task import BackboneTask, EvalContext

MODEL_FORMAT = "mireru.model/1"
MAX_GALLERY = 20_000


@dataclass(frozen=True)
class EmbeddingConfig:
    base_model: str
    image_size: int
    embedding_dim: int
    temperature: float
    backbone_lr_scale: float
    classes: tuple[str, ...]
    pretrained: bool = True


class EmbeddingTask(BackboneTask):
    monitor = "val/recall@1"
    monitor_mode = "max"

    def __init__(self, config: EmbeddingConfig, train: list[Record], val: list[Record]) -> None:
        if not train:
            raise ValueError("no training items")
        self.config = config
        self.base = BaseModel.parse(config.base_model)
        self.train_records = train
        self.val_records = val
        self._feature_dim = 0

    def build_model(self) -> nn.Module:
        cfg = self.config
        built = build_backbone(self.base, cfg.image_size, pretrained=cfg.pretrained)
        self._mean, self._std, self._feature_dim = built.mean, built.std, built.feature_dim
        net = EmbeddingNet(built.module, built.feature_dim, cfg.embedding_dim)
        return ProxyTrainer(net, len(cfg.classes), cfg.embedding_dim, cfg.temperature)

    def train_dataset(self) -> Dataset[Any]:
        return ImageRecords(self.train_records, train_transform(self.config.image_size, self.mean, self.std))

    def val_size(self) -> int:
        return len(self.val_records)

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        assert isinstance(model, ProxyTrainer)
        backbone = [p for p in model.net.backbone.parameters() if p.requires_grad]
        head = [*model.net.projection.parameters(), model.proxies]
        groups: list[dict[str, Any]] = [{"params": head}]
        if backbone:
            groups.insert(0, {"params": backbone, "lr_scale": self.config.backbone_lr_scale})
        return groups

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, targets = batch
        images = images.to(device, non_blocking=True)
        targets = targets.to(device, non_blocking=True)
        logits = model(images)
        return F.cross_entropy(logits.float(), targets), int(targets.shape[0])

    def notes(self) -> list[str]:
        cfg = self.config
        return [
            f"embedding model: {cfg.base_model} backbone ({self._feature_dim}-d features) -> "
            f"{cfg.embedding_dim}-d embedding, {len(cfg.classes)} classes, temperature {cfg.temperature}"
        ]

    # --- evaluation ------------------------------------------------------------------------------

    def _embed(
        self, net: EmbeddingNet, records: list[Record], ctx: EvalContext
    ) -> tuple[torch.Tensor, torch.Tensor]:
        data = ImageRecords(records, eval_transform(self.config.image_size, self.mean, self.std))
        loader = DataLoader(data, batch_size=ctx.batch_size, num_workers=ctx.num_workers)
        vectors, targets = [], []
        for images, target in loader:
            with ctx.autocast():
                vectors.append(net(images.to(ctx.device)).float())
            targets.append(target.to(ctx.device))
        return torch.cat(vectors), torch.cat(targets)

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if not self.val_records:
            return {}
        assert isinstance(model, ProxyTrainer)
        val_vecs, val_targets = self._embed(model.net, self.val_records, ctx)
        proxies = F.normalize(model.proxies.float(), dim=-1)
        val_loss = F.cross_entropy(val_vecs @ proxies.T / model.temperature, val_targets)
        # As users search: each held-out image queries the collection (training images and the
        # other held-out ones), itself left out.
        train_vecs, train_targets = self._embed(model.net, self.train_records[:MAX_GALLERY], ctx)
        queries = val_vecs.cpu().numpy()
        gallery = torch.cat([train_vecs, val_vecs]).cpu().numpy()
        n_train, n_val = len(train_vecs), len(val_vecs)
        scores = retrieval_scores(
            queries,
            val_targets.cpu().numpy(),
            gallery,
            torch.cat([train_targets, val_targets]).cpu().numpy(),
            query_ids=np.arange(n_train, n_train + n_val),
            gallery_ids=np.arange(n_train + n_val),
            ks=(1, 5),
            per_class=False,
        )
        return {
            "val/loss": float(val_loss),
            "val/recall@1": scores.recall[1],
            "val/recall@5": scores.recall[5],
            "val/map@r": scores.map_at_r,
            "val/mean_cosine": mean_pairwise_cosine(queries),
        }

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        net = model.net if isinstance(model, ProxyTrainer) else model
        cfg = self.config
        return {
            "format": MODEL_FORMAT,
            "kind": "embedding",
            "config": {
                "base_model": cfg.base_model,
                "image_size": cfg.image_size,
                "embedding_dim": cfg.embedding_dim,
                "feature_dim": self._feature_dim,
                "mean": list(self.mean),
                "std": list(self.std),
                "classes": list(cfg.classes),
            },
            "metrics": dict(metrics),
            "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()},
        }
