"""ClassifierTask: the `classifier` kind's part of the shared loop.

Loss: cross-entropy, optionally weighted per class ("balanced": inverse frequency); or balanced
sampling through the loop's weighted sampler. Validation after each epoch: loss, accuracy,
macro-F1 (the monitored metric, so a skewed split cannot hide a class the model ignores) and
per-class precision and recall, and the non-zero cells of the confusion matrix
(`val/confusion/<true>/<predicted>`, up to MAX_CONFUSION_IN_CONFIG classes). The exported
bundle carries the confusion matrix of the kept weights on the validation split.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mireru.ml.classify.augment import Preset, augmentation
from mireru.ml.classify.balance import balanced_class_weights, balanced_sample_weights
from mireru.ml.classify.metrics import ClassificationReport, classification_report
from mireru.ml.classify.network import ClassifierNet
from mireru.ml.classify.records import ClassifierRecord, ClassifierRecords, measurement_statistics
from mireru.ml.embedding_net.network import BaseModel, build_backbone
from mireru.ml.embedding_net.task import MODEL_FORMAT
from mireru.ml.train.data import eval_transform
from mireru.ml.train.task import BackboneTask, EvalContext

KIND = "classifier"
# Per-class metric series beyond this many classes would flood the run's charts; the most frequent
# validation classes get them, and the bundle's evaluation has every class.
MAX_CLASS_METRICS = 20
# The registry's copy of the evaluation (a JSON column) holds the confusion matrix up to this size.
MAX_CONFUSION_IN_CONFIG = 50
METRIC_NAME_CLASS_CHARS = 60


@dataclass(frozen=True)
class ClassifierConfig:
    base_model: str
    image_size: int
    classes: tuple[str, ...]
    measurement_keys: tuple[str, ...] = ()
    class_weighting: Literal["none", "balanced"] = "none"
    sampler: Literal["shuffle", "balanced"] = "shuffle"
    augmentation: Preset = "inspection"
    backbone_lr_scale: float = 1.0
    dropout: float = 0.2
    measurement_hidden: int = 64
    fusion_hidden: int = 128
    pretrained: bool = True


def logits_of(
    net: ClassifierNet, data: Dataset[Any], batch_size: int, device: torch.device, ctx: EvalContext | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, classes) float logits and (N,) targets for a dataset of `ClassifierRecords` form."""
    loader = DataLoader(data, batch_size=batch_size, num_workers=ctx.num_workers if ctx else 0)
    outputs, targets = [], []
    for images, measurements, target in loader:
        meas = measurements.to(device) if net.num_measurements else None
        if ctx is not None:
            with ctx.autocast():
                out = net(images.to(device), meas)
        else:
            out = net(images.to(device), meas)
        outputs.append(out.float())
        targets.append(target.to(device))
    return torch.cat(outputs), torch.cat(targets)


def confusion_metrics(confusion: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    """`val/confusion/<true class>/<predicted class>` -> count, for the non-zero cells only; none
    above MAX_CONFUSION_IN_CONFIG classes, so the registry's metrics JSON stays small."""
    if len(classes) > MAX_CONFUSION_IN_CONFIG:
        return {}
    names = [name[:METRIC_NAME_CLASS_CHARS] for name in classes]
    return {
        f"val/confusion/{names[t]}/{names[p]}": float(confusion[t, p])
        for t, p in zip(*np.nonzero(confusion), strict=True)
    }


class ClassifierTask(BackboneTask):
    monitor = "val/macro_f1"
    monitor_mode = "max"

    def __init__(
        self, config: ClassifierConfig, train: Sequence[ClassifierRecord], val: Sequence[ClassifierRecord]
    ) -> None:
        if not train:
            raise ValueError("no training items")
        if len(config.classes) < 2:
            raise ValueError("a classifier needs at least 2 classes")
        k = len(config.measurement_keys)
        for record in (*train, *val):
            if len(record.measurements) != k:
                raise ValueError(f"{record.path}: {len(record.measurements)} measurements, expected {k}")
            if not 0 <= record.target < len(config.classes):
                raise ValueError(f"{record.path}: class index {record.target} out of range")
        self.config = config
        self.base = BaseModel.parse(config.base_model)
        self.train_records = list(train)
        self.val_records = list(val)
        self.measurement_mean, self.measurement_std = measurement_statistics(self.train_records, k)
        targets = [r.target for r in self.train_records]
        self.class_weights = (
            balanced_class_weights(targets, len(config.classes))
            if config.class_weighting == "balanced"
            else None
        )
        self._weights_on: torch.Tensor | None = None
        self._feature_dim = 0

    # --- model and data --------------------------------------------------------------------------

    def build_model(self) -> nn.Module:
        cfg = self.config
        built = build_backbone(self.base, cfg.image_size, pretrained=cfg.pretrained)
        self._mean, self._std, self._feature_dim = built.mean, built.std, built.feature_dim
        net = ClassifierNet(
            built.module,
            built.feature_dim,
            len(cfg.classes),
            len(cfg.measurement_keys),
            cfg.measurement_hidden,
            cfg.fusion_hidden,
            cfg.dropout,
        )
        if net.measurements is not None:
            net.measurements.set_statistics(self.measurement_mean, self.measurement_std)
        return net

    def train_dataset(self) -> Dataset[Any]:
        cfg = self.config
        return ClassifierRecords(
            self.train_records, augmentation(cfg.augmentation, cfg.image_size, self.mean, self.std)
        )

    def _eval_dataset(self, records: Sequence[ClassifierRecord]) -> Dataset[Any]:
        return ClassifierRecords(records, eval_transform(self.config.image_size, self.mean, self.std))

    def val_size(self) -> int:
        return len(self.val_records)

    def sample_weights(self) -> list[float] | None:
        if self.config.sampler != "balanced":
            return None
        return balanced_sample_weights([r.target for r in self.train_records])

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        assert isinstance(model, ClassifierNet)
        backbone = [p for p in model.backbone.parameters() if p.requires_grad]
        backbone_ids = {id(p) for p in backbone}
        head = [p for p in model.parameters() if p.requires_grad and id(p) not in backbone_ids]
        groups: list[dict[str, Any]] = [{"params": head}]
        if backbone:
            groups.insert(0, {"params": backbone, "lr_scale": self.config.backbone_lr_scale})
        return groups

    def _loss_weights(self, device: torch.device) -> torch.Tensor | None:
        if self.class_weights is None:
            return None
        if self._weights_on is None or self._weights_on.device != device:
            self._weights_on = torch.tensor(self.class_weights, dtype=torch.float32, device=device)
        return self._weights_on

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, measurements, targets = batch
        images = images.to(device, non_blocking=True)
        targets = targets.to(device, non_blocking=True)
        meas = measurements.to(device, non_blocking=True) if self.config.measurement_keys else None
        logits = model(images, meas)
        loss = F.cross_entropy(logits.float(), targets, weight=self._loss_weights(device))
        return loss, int(targets.shape[0])

    def notes(self) -> list[str]:
        cfg = self.config
        fused = (
            f", fused with {len(cfg.measurement_keys)} measurements ({', '.join(cfg.measurement_keys)})"
            if cfg.measurement_keys
            else ", image only"
        )
        balance = []
        if cfg.class_weighting == "balanced":
            balance.append("class-weighted loss")
        if cfg.sampler == "balanced":
            balance.append("balanced sampling")
        return [
            f"classifier: {cfg.base_model} backbone ({self._feature_dim}-d features){fused}, "
            f"{len(cfg.classes)} classes, augmentation {cfg.augmentation}"
            + (f", {' and '.join(balance)}" if balance else "")
        ]

    # --- evaluation ------------------------------------------------------------------------------

    def _report(
        self, net: ClassifierNet, batch_size: int, device: torch.device, ctx: EvalContext | None
    ) -> tuple[ClassificationReport, float]:
        logits, targets = logits_of(net, self._eval_dataset(self.val_records), batch_size, device, ctx)
        loss = float(F.cross_entropy(logits, targets))
        predictions = logits.argmax(dim=1).cpu().numpy()
        report = classification_report(targets.cpu().numpy(), predictions, len(self.config.classes))
        return report, loss

    def _class_metric_indices(self, report: ClassificationReport) -> list[int]:
        """The classes with per-class series: those in the validation split, most frequent first,
        so the set is the same every epoch."""
        support = report.support
        order = sorted(range(len(self.config.classes)), key=lambda c: (-int(support[c]), c))
        return [c for c in order if support[c]][:MAX_CLASS_METRICS]

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if not self.val_records:
            return {}
        assert isinstance(model, ClassifierNet)
        report, loss = self._report(model, ctx.batch_size, ctx.device, ctx)
        metrics = {"val/loss": loss, "val/accuracy": report.accuracy, "val/macro_f1": report.macro_f1}
        precision, recall = report.precision, report.recall
        for c in self._class_metric_indices(report):
            name = self.config.classes[c][:METRIC_NAME_CLASS_CHARS]
            metrics[f"val/precision/{name}"] = float(precision[c])
            metrics[f"val/recall/{name}"] = float(recall[c])
        metrics.update(confusion_metrics(report.confusion, self.config.classes))
        return metrics

    def evaluation(self, net: ClassifierNet) -> dict[str, Any]:
        """The confusion matrix ([true][predicted]) and per-class figures of `net` on the
        validation split, as plain containers; empty without validation items."""
        if not self.val_records:
            return {}
        device = next(net.parameters()).device
        was_training = net.training
        net.eval()
        with torch.no_grad():
            report, loss = self._report(net, 64, device, None)
        net.train(was_training)
        columns = (self.config.classes, report.precision, report.recall, report.f1, report.support)
        per_class = [
            {"class": name, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for name, p, r, f, s in zip(*columns, strict=True)
        ]
        return {
            "items": int(report.confusion.sum()),
            "loss": loss,
            "accuracy": report.accuracy,
            "macro_f1": report.macro_f1,
            "confusion_matrix": np.asarray(report.confusion).tolist(),
            "per_class": per_class,
        }

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        if not isinstance(model, ClassifierNet):
            raise TypeError(f"expected a ClassifierNet, got {type(model).__name__}")
        net, cfg = model, self.config
        evaluation = self.evaluation(net)
        small = len(cfg.classes) <= MAX_CONFUSION_IN_CONFIG
        config = {
            "base_model": cfg.base_model,
            "image_size": cfg.image_size,
            "feature_dim": self._feature_dim,
            "mean": list(self.mean),
            "std": list(self.std),
            "classes": list(cfg.classes),
            "measurement_keys": list(cfg.measurement_keys),
            "measurement_mean": list(self.measurement_mean),
            "measurement_std": list(self.measurement_std),
            "measurement_hidden": cfg.measurement_hidden,
            "fusion_hidden": cfg.fusion_hidden,
            "dropout": cfg.dropout,
            "augmentation": cfg.augmentation,
            "class_weighting": cfg.class_weighting,
            "sampler": cfg.sampler,
            "evaluation": evaluation
            if small
            else {k: v for k, v in evaluation.items() if k != "confusion_matrix"},
        }
        return {
            "format": MODEL_FORMAT,
            "kind": KIND,
            "config": config,
            "evaluation": evaluation,
            "metrics": dict(metrics),
            "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()},
        }
