"""The baseline the keyword network is measured against: a multi-label classifier, a backbone and
one linear logit per vocabulary word, trained with binary cross-entropy. It can only ever
suggest the words it was trained on. Its threshold (on the sigmoid probability) is chosen on
validation data like the keyword network's (threshold.py), and it is validated the same way."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mireru.ml.embedding_net.inference import read_bundle
from mireru.ml.embedding_net.network import BaseModel, build_backbone
from mireru.ml.embedding_net.task import MODEL_FORMAT
from mireru.ml.keyword_estimation.data import (
    PAD,
    KeywordImages,
    KeywordRecord,
    Vocabulary,
    collate_keywords,
    truth_matrix,
    vocabulary,
)
from mireru.ml.keyword_estimation.inference import check_kind, image_batch
from mireru.ml.keyword_estimation.metrics import SetEvaluator, at_k
from mireru.ml.keyword_estimation.task import RANK_K
from mireru.ml.keyword_estimation.threshold import DEFAULT_THRESHOLD, choose_threshold
from mireru.ml.train.data import eval_transform, train_transform
from mireru.ml.train.task import EvalContext, TrainTask

BCE_KIND = "keywords-bce"


class MultiLabelNet(nn.Module):
    """backbone -> linear -> (B, V) logits."""

    def __init__(self, backbone: nn.Module, feature_dim: int, num_words: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.classifier = nn.Linear(feature_dim, num_words)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.classifier(self.backbone(x).flatten(1).float())
        return logits


@dataclass(frozen=True)
class BceConfig:
    base_model: str
    image_size: int
    backbone_lr_scale: float = 1.0
    pretrained: bool = True
    augment: bool = True


class BceTask(TrainTask):
    monitor = "val/f1"
    monitor_mode = "max"

    def __init__(
        self,
        config: BceConfig,
        train: Sequence[KeywordRecord],
        val: Sequence[KeywordRecord],
        words: Sequence[str] | None = None,
    ) -> None:
        """`words`: the vocabulary (default: every keyword of the training records)."""
        if not train:
            raise ValueError("no training items")
        self.config = config
        self.base = BaseModel.parse(config.base_model)
        vocab = Vocabulary(tuple(words), ()) if words is not None else vocabulary(train)
        self.words = vocab.words
        self.train_targets = [vocab.indices(r.keywords) for r in train]
        self.val_targets = [vocab.indices(r.keywords) for r in val]
        self.train_records, self.val_records = list(train), list(val)
        self._mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self._std: tuple[float, float, float] = (1.0, 1.0, 1.0)
        self._feature_dim = 0

    def build_model(self) -> nn.Module:
        built = build_backbone(self.base, self.config.image_size, pretrained=self.config.pretrained)
        self._mean, self._std, self._feature_dim = built.mean, built.std, built.feature_dim
        return MultiLabelNet(built.module, built.feature_dim, len(self.words))

    def train_dataset(self) -> Dataset[Any]:
        size = self.config.image_size
        make = train_transform if self.config.augment else eval_transform
        return KeywordImages(
            [r.path for r in self.train_records], self.train_targets, make(size, self._mean, self._std)
        )

    def collate_fn(self) -> Any:
        return collate_keywords

    def val_size(self) -> int:
        return len(self.val_records)

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        assert isinstance(model, MultiLabelNet)
        backbone = [p for p in model.backbone.parameters() if p.requires_grad]
        groups: list[dict[str, Any]] = [{"params": list(model.classifier.parameters())}]
        if backbone:
            groups.insert(0, {"params": backbone, "lr_scale": self.config.backbone_lr_scale})
        return groups

    def multi_hot(self, targets: torch.Tensor) -> torch.Tensor:
        hot = torch.zeros(targets.shape[0], len(self.words) + 1, device=targets.device)
        hot.scatter_(1, torch.where(targets == PAD, len(self.words), targets), 1.0)
        return hot[:, :-1]

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, targets = batch
        logits = model(images.to(device, non_blocking=True)).float()
        loss = F.binary_cross_entropy_with_logits(logits, self.multi_hot(targets.to(device)))
        return loss, int(images.shape[0])

    def notes(self) -> list[str]:
        return [
            f"multi-label baseline: {self.config.base_model} backbone ({self._feature_dim}-d features) "
            f"-> {len(self.words)} sigmoid outputs (binary cross-entropy)"
        ]

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if not self.val_records:
            return {}
        data = KeywordImages(
            [r.path for r in self.val_records],
            self.val_targets,
            eval_transform(self.config.image_size, self._mean, self._std),
        )
        loader = DataLoader(
            data, batch_size=ctx.batch_size, num_workers=ctx.num_workers, collate_fn=collate_keywords
        )
        logits = []
        for images, _ in loader:
            with ctx.autocast():
                logits.append(model(images.to(ctx.device)).float())
        probs = torch.cat(logits).sigmoid()
        truth = truth_matrix(self.val_targets, len(self.words)).to(ctx.device)
        choice = choose_threshold(probs, None, truth)
        counts = SetEvaluator(probs, None, truth).counts(choice.threshold)
        ranked = at_k(probs, truth, RANK_K)
        return {
            "val/f1": choice.f1,
            "val/count_error": counts.count_error(),
            "val/threshold": choice.threshold,
            f"val/precision@{RANK_K}": ranked.precision,
            f"val/recall@{RANK_K}": ranked.recall,
            f"val/f1@{RANK_K}": ranked.f1,
        }

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "kind": BCE_KIND,
            "config": {
                "base_model": self.config.base_model,
                "image_size": self.config.image_size,
                "feature_dim": self._feature_dim,
                "mean": list(self._mean),
                "std": list(self._std),
                "threshold": float(metrics.get("val/threshold", DEFAULT_THRESHOLD)),
                "words": list(self.words),
            },
            "metrics": dict(metrics),
            "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        }


class BcePredictor:
    """The baseline's version file for inference: probabilities per vocabulary word."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        self.path = path
        self.device = torch.device(device)
        self._net: MultiLabelNet | None = None
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}
        self.words: list[str] = []

    def load(self) -> "BcePredictor":
        with self._lock:
            if self._net is None:
                bundle = read_bundle(self.path)
                check_kind(bundle, BCE_KIND, self.path)
                cfg = bundle["config"]
                built = build_backbone(
                    BaseModel.parse(cfg["base_model"]), int(cfg["image_size"]), pretrained=False
                )
                net = MultiLabelNet(built.module, int(cfg["feature_dim"]), len(cfg["words"]))
                net.load_state_dict(bundle["state_dict"])
                self.config, self.words = cfg, list(cfg["words"])
                self._net = net.to(self.device).eval()
        return self

    @property
    def threshold(self) -> float:
        return float(self.config["threshold"])

    def word_scores(self, images: Sequence[Image.Image]) -> np.ndarray:
        """(N, V) probabilities."""
        if self._net is None:
            raise RuntimeError("call load() first")
        if not images:
            return np.zeros((0, len(self.words)), dtype=np.float32)
        with torch.inference_mode():
            probs = self._net(image_batch(images, self.config).to(self.device)).float().sigmoid()
        out: np.ndarray = probs.cpu().numpy()
        return out

    def predict_keywords(self, images: Sequence[Image.Image]) -> list[list[tuple[str, float]]]:
        """Per image: (word, probability) above the threshold, best first."""
        results = []
        for row in self.word_scores(images):
            kept = [(self.words[i], float(p)) for i, p in enumerate(row) if p > self.threshold]
            results.append(sorted(kept, key=lambda item: -item[1]))
        return results
