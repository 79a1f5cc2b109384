"""MetricTask: what the triplet kind and its baselines share in the training loop.

All of them train the same `EmbeddingNet` (backbone -> batch-norm neck -> linear projection -> L2
normalisation) from the same base model, are validated the same way and export the same model
file, so that a bench compares the training methods alone. Validation: every validation image
queries a gallery of the training and validation images (itself left out); `val/recall@1`
(monitored), `val/recall@5` and `val/map@r` come from `mireru.ml.eval.retrieval`. The training
images' vectors of that pass are kept: search mining at the next epoch's start reuses them, as no
step has changed the weights since. When they must be extracted afresh (no validation items, the
first epoch after a resume, training images beyond the gallery cap), the eval-transformed pixels
come from a `PixelCache` filled by the first pass that decoded them (up to `pixel_cache_bytes`), so
only the forward pass is paid again. Before the first epoch the untrained network is validated too
(`val/untrained_recall@1`), so a run shows what training gained.

Each epoch's time is split into *mining* (finding the examples to train on) and *training*
(the pass over them), reported as `time/mining_s`, `time/train_s` and `time/mining_share`.
"""

import time
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from mireru.ml.embedding_net.network import BaseModel, EmbeddingNet, build_backbone
from mireru.ml.embedding_net.task import MODEL_FORMAT
from mireru.ml.eval.baseline import mean_pairwise_cosine
from mireru.ml.eval.retrieval import retrieval_scores
from mireru.ml.metric.pixel_cache import PixelCache, normalise
from mireru.ml.train.data import Record
from mireru.ml.train.task import BackboneTask, EpochContext, EvalContext


@dataclass(frozen=True)
class MetricConfig:
    base_model: str = "tiny-cnn"
    image_size: int = 224
    embedding_dim: int = 128
    backbone_lr_scale: float = 1.0
    classes: tuple[str, ...] = ()
    pretrained: bool = True
    kind: str = "triplet"  # the model file's kind (what the registry and inference see)
    max_gallery: int = 20_000  # training images in the validation gallery
    measure_untrained: bool = True  # also validate the network before the first epoch
    neck: bool = True  # batch-norm the backbone features (see EmbeddingNet)
    # Eval-transformed uint8 pixels of the training (then validation) images kept in memory; 0: none.
    pixel_cache_bytes: int = 2 * 2**30


@dataclass(frozen=True)
class TrainVectors:
    """Every training image's vector, and where each came from."""

    vectors: torch.Tensor
    reused: int  # from the last validation pass
    cached_pixels: int  # embedded from cached pixels
    decoded: int  # embedded from their image files


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so wall-clock times are the work's."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class MetricTask(BackboneTask):
    monitor = "val/recall@1"
    monitor_mode = "max"
    method = "metric"
    # Whether choosing the epoch's examples is mining (search, random triplets) or mere sampling
    # (pairs for batch-hard, whose mining happens inside the steps; classification).
    prepare_is_mining = True

    def __init__(self, config: MetricConfig, train: list[Record], val: list[Record]) -> None:
        if not train:
            raise ValueError("no training items")
        self.config = config
        self.base = BaseModel.parse(config.base_model)
        self.train_records = train
        self.val_records = val
        self._feature_dim = 0
        self._mining_s = 0.0
        self._train_started: float | None = None
        self._updates = 0  # training steps taken: tells whether cached vectors are still current
        self._cached: tuple[int, torch.Tensor] | None = None  # (updates, vectors of the first records)
        # Indices 0..len(train)-1 are the training images, the validation images follow.
        self._pixels = PixelCache(train + val, config.image_size, config.pixel_cache_bytes)
        self._epoch_metrics: dict[str, float] = {}
        self._untrained: dict[str, float] = {}

    # --- the model -------------------------------------------------------------------------------

    def build_net(self) -> EmbeddingNet:
        cfg = self.config
        built = build_backbone(self.base, cfg.image_size, pretrained=cfg.pretrained)
        self._mean, self._std, self._feature_dim = built.mean, built.std, built.feature_dim
        return EmbeddingNet(built.module, built.feature_dim, cfg.embedding_dim, neck=cfg.neck)

    def build_model(self) -> nn.Module:
        """The EmbeddingNet itself; tasks with training-only parts (a classifier head) wrap it."""
        return self.build_net()

    @staticmethod
    def net_of(model: nn.Module) -> EmbeddingNet:
        net = model if isinstance(model, EmbeddingNet) else getattr(model, "net", None)
        if not isinstance(net, EmbeddingNet):
            raise TypeError(f"{type(model).__name__} holds no EmbeddingNet")
        return net

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        net = self.net_of(model)
        backbone_ids = {id(p) for p in net.backbone.parameters()}
        backbone = [p for p in net.backbone.parameters() if p.requires_grad]
        head = [p for p in model.parameters() if p.requires_grad and id(p) not in backbone_ids]
        groups: list[dict[str, Any]] = [{"params": head}]
        if backbone:
            groups.insert(0, {"params": backbone, "lr_scale": self.config.backbone_lr_scale})
        return groups

    def val_size(self) -> int:
        return len(self.val_records)

    # --- embedding images ------------------------------------------------------------------------

    def embed(self, net: EmbeddingNet, records: list[Record], ctx: EvalContext) -> torch.Tensor:
        """(n, embedding_dim) L2-normalised vectors on ctx.device, without augmentation, of any
        images (decoded every time: only the task's own images are cached)."""
        uncached = PixelCache(records, self.config.image_size, budget_bytes=0)
        return self.embed_cached(net, uncached, range(len(records)), ctx)

    def embed_cached(
        self, net: EmbeddingNet, pixels: PixelCache, indices: Sequence[int], ctx: EvalContext
    ) -> torch.Tensor:
        """`embed` of the images at `indices` of a PixelCache (filling it as it decodes)."""
        out = torch.empty((len(indices), self.config.embedding_dim), device=ctx.device)
        # Without autograd nothing is kept between layers, so four training batches fit where
        # one (of triplets, with its activations) trains; large batches keep a CPU's cores busy.
        batch = ctx.batch_size * 4
        was_training = net.training
        net.eval()
        try:
            with torch.inference_mode():
                for positions, images in pixels.batches(indices, batch, ctx.num_workers):
                    x = normalise(images.to(ctx.device, non_blocking=True), self.mean, self.std)
                    with ctx.autocast():
                        out[positions.to(ctx.device)] = net(x).float()
        finally:
            net.train(was_training)
        return out

    def train_vectors(self, net: EmbeddingNet, ctx: EvalContext) -> TrainVectors:
        """Vectors of every training image with the network as it is now. Those of the last
        validation pass are reused when no step was taken since (it embeds the same images with
        the same weights, e.g. between the end of one epoch and the start of the next); the
        others are embedded, from cached pixels where there are some."""
        cached = self._cached
        previous = cached[1] if cached is not None and cached[0] == self._updates else None
        reused = 0 if previous is None else len(previous)
        rest = range(reused, len(self.train_records))
        from_cache = self._pixels.count_cached(rest)
        embedded = self.embed_cached(net, self._pixels, rest, ctx)
        vectors = embedded if previous is None else torch.cat([previous, embedded])
        return TrainVectors(vectors, reused, from_cache, len(rest) - from_cache)

    def targets(self, records: list[Record]) -> torch.Tensor:
        return torch.tensor([r.target for r in records], dtype=torch.long)

    # --- the epoch -------------------------------------------------------------------------------

    @abstractmethod
    def prepare_epoch(self, model: nn.Module, ctx: EpochContext) -> dict[str, float]:
        """Choose this epoch's examples; returns metrics about that choice."""

    def on_epoch_start(self, model: nn.Module, ctx: EpochContext) -> None:
        self._epoch_metrics = {}
        if ctx.epoch == 1 and ctx.is_main and self.config.measure_untrained and self.val_records:
            untrained = self._untrained or self.validate(model, ctx)
            self._epoch_metrics["val/untrained_recall@1"] = untrained["val/recall@1"]
        sync(ctx.device)
        started = time.perf_counter()
        self._epoch_metrics.update(self.prepare_epoch(model, ctx))
        sync(ctx.device)
        self._mining_s = time.perf_counter() - started if self.prepare_is_mining else 0.0
        self._train_started = time.perf_counter()

    def in_pass_mining_s(self) -> float:
        """Mining done inside the training steps this epoch (batch-hard); 0 for the others."""
        return 0.0

    def timing(self, device: torch.device) -> dict[str, float]:
        if self._train_started is None:
            return {}
        sync(device)
        in_pass = self.in_pass_mining_s()
        train_s = max(0.0, time.perf_counter() - self._train_started - in_pass)
        mining_s = self._mining_s + in_pass
        total = mining_s + train_s
        return {
            "time/mining_s": mining_s,
            "time/train_s": train_s,
            "time/mining_share": mining_s / total if total > 0 else 0.0,
        }

    @abstractmethod
    def step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        """The method's loss on one batch (what `training_step` is for other tasks)."""

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        self._updates += 1
        return self.step(model, batch, device)

    # --- validation and export -------------------------------------------------------------------

    def validate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        net = self.net_of(model)
        gallery_records = self.train_records[: self.config.max_gallery]
        n_all = len(self.train_records)
        val_vecs = self.embed_cached(net, self._pixels, range(n_all, n_all + len(self.val_records)), ctx)
        train_vecs = self.embed_cached(net, self._pixels, range(len(gallery_records)), ctx)
        self._cached = (self._updates, train_vecs)
        gallery = torch.cat([train_vecs, val_vecs])
        g_targets = torch.cat([self.targets(gallery_records), self.targets(self.val_records)])
        n_train = len(gallery_records)
        scores = retrieval_scores(
            val_vecs.cpu().numpy(),
            self.targets(self.val_records).numpy(),
            gallery.cpu().numpy(),
            g_targets.numpy(),
            query_ids=torch.arange(n_train, n_train + len(self.val_records)).numpy(),
            gallery_ids=torch.arange(len(gallery)).numpy(),
            ks=(1, 5),
            per_class=False,
        )
        return {
            "val/recall@1": scores.recall[1],
            "val/recall@5": scores.recall[5],
            "val/map@r": scores.map_at_r,
            "val/mean_cosine": mean_pairwise_cosine(val_vecs.cpu().numpy()),
        }

    def evaluate_baseline(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        """The loop's baseline pass doubles as the untrained validation of epoch 1 (and its
        training vectors seed epoch 1's mining), so the network is not validated twice."""
        metrics = self.validate(model, ctx) if self.val_records else {}
        self._untrained = metrics
        return metrics

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        metrics = {**self._epoch_metrics, **self.timing(ctx.device)}
        if self.val_records:
            metrics.update(self.validate(model, ctx))
        return metrics

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        net = self.net_of(model)
        cfg = self.config
        return {
            "format": MODEL_FORMAT,
            "kind": cfg.kind,
            "config": {
                "base_model": cfg.base_model,
                "image_size": cfg.image_size,
                "embedding_dim": cfg.embedding_dim,
                "feature_dim": self._feature_dim,
                "mean": list(self.mean),
                "std": list(self.std),
                "classes": list(cfg.classes),
                "neck": cfg.neck,
                "method": self.method,
            },
            "metrics": dict(metrics),
            "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()},
        }

    def describe_model(self) -> str:
        cfg = self.config
        neck = ", batch-norm neck" if cfg.neck else ""
        return (
            f"{cfg.base_model} backbone ({self._feature_dim}-d features{neck}) -> {cfg.embedding_dim}-d "
            f"L2-normalised embedding, {len(cfg.classes)} targets"
        )
