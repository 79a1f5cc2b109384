"""KeywordsTask: the `keywords` kind's part of the shared loop.

Targets are word vectors: the task gets {word: vector} and, per record, a list of keywords.
Keywords without a vector are dropped from the targets (and named in the run's notes); vectors
are L2-normalised, so an output that stands for a keyword should reach length 1 (see loss.py).

Validation after each epoch: the set loss, the output-norm threshold that maximises the F1 of
the predicted keyword sets (threshold.py), that F1 ("val/f1", the monitor), precision, recall
and F1 at k = 3 of the words ranked by score, and the mean |predicted count - true count|. The
threshold of the epoch whose weights are kept is the one exported.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mireru.ml.embedding_net.network import BaseModel, build_backbone
from mireru.ml.embedding_net.task import MODEL_FORMAT
from mireru.ml.keyword_estimation.data import (
    PAD,
    KeywordImages,
    KeywordRecord,
    collate_keywords,
    truth_matrix,
    unit_vectors,
    vocabulary,
)
from mireru.ml.keyword_estimation.loss import KeywordSetLoss
from mireru.ml.keyword_estimation.metrics import SetEvaluator, at_k
from mireru.ml.keyword_estimation.network import KeywordNet
from mireru.ml.keyword_estimation.pairing import Pairing
from mireru.ml.keyword_estimation.scoring import OutputSet
from mireru.ml.keyword_estimation.threshold import DEFAULT_THRESHOLD, choose_threshold
from mireru.ml.train.data import eval_transform, train_transform
from mireru.ml.train.task import EvalContext, TrainTask

KIND = "keywords"
RANK_K = 3
SHOWN_MISSING = 20


@dataclass(frozen=True)
class KeywordsConfig:
    base_model: str
    image_size: int
    num_outputs: int = 8
    pairing: Pairing = "greedy"
    leftover_weight: float = 1.0
    backbone_lr_scale: float = 1.0
    pretrained: bool = True
    augment: bool = True  # random resized crops and horizontal flips while training


def missing_note(missing: Sequence[str]) -> str:
    shown = ", ".join(missing[:SHOWN_MISSING]) + (" ..." if len(missing) > SHOWN_MISSING else "")
    return f"{len(missing)} keywords have no word vector: {shown}"


class KeywordsTask(TrainTask):
    monitor = "val/f1"
    monitor_mode = "max"

    def __init__(
        self,
        config: KeywordsConfig,
        word_vectors: Mapping[str, Sequence[float]],
        train: Sequence[KeywordRecord],
        val: Sequence[KeywordRecord],
    ) -> None:
        if not train:
            raise ValueError("no training items")
        vocab = vocabulary([*train, *val], word_vectors)
        if not vocab.words:
            raise ValueError(f"no keyword has a word vector in the word model; {missing_note(vocab.missing)}")
        self.config = config
        self.base = BaseModel.parse(config.base_model)
        self.vocab = vocab
        self.vectors = unit_vectors(vocab.words, word_vectors)
        self.dim = int(self.vectors.shape[1])
        self.train_records = list(train)
        self.val_records = list(val)
        self.train_targets = [vocab.indices(r.keywords) for r in train]
        self.val_targets = [vocab.indices(r.keywords) for r in val]
        self.loss = KeywordSetLoss(config.pairing, config.leftover_weight)
        self._mean: tuple[float, float, float] | None = None
        self._std: tuple[float, float, float] | None = None
        self._feature_dim = 0

    def build_model(self) -> nn.Module:
        cfg = self.config
        built = build_backbone(self.base, cfg.image_size, pretrained=cfg.pretrained)
        self._mean, self._std, self._feature_dim = built.mean, built.std, built.feature_dim
        return KeywordNet(built.module, built.feature_dim, cfg.num_outputs, self.dim)

    @property
    def norm(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        if self._mean is None or self._std is None:
            raise RuntimeError("build_model() first")
        return self._mean, self._std

    def train_dataset(self) -> Dataset[Any]:
        size, (mean, std) = self.config.image_size, self.norm
        transform = (
            train_transform(size, mean, std) if self.config.augment else eval_transform(size, mean, std)
        )
        return KeywordImages([r.path for r in self.train_records], self.train_targets, transform)

    def collate_fn(self) -> Any:
        return collate_keywords

    def val_size(self) -> int:
        return len(self.val_records)

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        assert isinstance(model, KeywordNet)
        backbone = [p for p in model.backbone.parameters() if p.requires_grad]
        groups: list[dict[str, Any]] = [{"params": list(model.head.parameters())}]
        if backbone:
            groups.insert(0, {"params": backbone, "lr_scale": self.config.backbone_lr_scale})
        return groups

    def set_loss(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        mask = targets != PAD
        vectors = self.vectors.to(outputs.device)[targets.clamp_min(0)]
        loss: torch.Tensor = self.loss(outputs, vectors, mask.to(outputs.device))
        return loss

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, targets = batch
        outputs = model(images.to(device, non_blocking=True))
        return self.set_loss(outputs, targets.to(device, non_blocking=True)), int(images.shape[0])

    def notes(self) -> list[str]:
        cfg = self.config
        lines = [
            f"keywords model: {cfg.base_model} backbone ({self._feature_dim}-d features) -> "
            f"{cfg.num_outputs} outputs of {self.dim}-d, {cfg.pairing} pairing, "
            f"leftover weight {cfg.leftover_weight}, {len(self.vocab.words)} keywords with vectors"
        ]
        if self.vocab.missing:
            lines.append(missing_note(self.vocab.missing) + "; they are left out of the targets")
        empty = sum(1 for t in self.train_targets if not t)
        if empty:
            lines.append(
                f"{empty} training items have no keyword with a vector: all their outputs learn zero"
            )
        over = sum(1 for t in self.train_targets if len(t) > cfg.num_outputs)
        if over:
            lines.append(
                f"{over} training items have more keywords than the {cfg.num_outputs} outputs; "
                "only that many of their keywords are learned per step"
            )
        return lines

    # --- evaluation ------------------------------------------------------------------------------

    def run_net(self, net: nn.Module, ctx: EvalContext) -> tuple[torch.Tensor, torch.Tensor]:
        """Validation outputs (N, n, d) and padded targets (N, M), on the device."""
        mean, std = self.norm
        data = KeywordImages(
            [r.path for r in self.val_records],
            self.val_targets,
            eval_transform(self.config.image_size, mean, std),
        )
        loader = DataLoader(
            data, batch_size=ctx.batch_size, num_workers=ctx.num_workers, collate_fn=collate_keywords
        )
        outputs, targets = [], []
        width = max([len(t) for t in self.val_targets] + [1])
        for images, target in loader:
            with ctx.autocast():
                outputs.append(net(images.to(ctx.device)).float())
            targets.append(F.pad(target, (0, width - target.shape[1]), value=PAD).to(ctx.device))
        return torch.cat(outputs), torch.cat(targets)

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if not self.val_records:
            return {}
        outputs, targets = self.run_net(model, ctx)
        vocab = self.vectors.to(ctx.device)
        truth = truth_matrix(self.val_targets, len(self.vocab.words)).to(ctx.device)
        scored = OutputSet(outputs)
        strength, word = scored.strength(), scored.nearest(vocab)
        choice = choose_threshold(strength, word, truth)
        counts = SetEvaluator(strength, word, truth).counts(choice.threshold)
        ranked = at_k(scored.word_scores(vocab), truth, RANK_K)
        return {
            "val/loss": float(self.set_loss(outputs, targets)),
            "val/f1": choice.f1,
            "val/precision": counts.precision(),
            "val/recall": counts.recall(),
            "val/count_error": counts.count_error(),
            "val/threshold": choice.threshold,
            f"val/precision@{RANK_K}": ranked.precision,
            f"val/recall@{RANK_K}": ranked.recall,
            f"val/f1@{RANK_K}": ranked.f1,
        }

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        cfg = self.config
        mean, std = self.norm
        return {
            "format": MODEL_FORMAT,
            "kind": KIND,
            "config": {
                "base_model": cfg.base_model,
                "image_size": cfg.image_size,
                "feature_dim": self._feature_dim,
                "num_outputs": cfg.num_outputs,
                "dim": self.dim,
                "pairing": cfg.pairing,
                "leftover_weight": cfg.leftover_weight,
                "threshold": float(metrics.get("val/threshold", DEFAULT_THRESHOLD)),
                "mean": list(mean),
                "std": list(std),
                "words": list(self.vocab.words),
            },
            "metrics": dict(metrics),
            # Unit vectors of the words it was trained on: predict_keywords' default vocabulary.
            "word_vectors": self.vectors.clone(),
            "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        }
