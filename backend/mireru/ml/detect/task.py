"""DetectorTask: the `detector` kind's part of the shared loop. A training step is the sum of
the torchvision detector's losses (classification and box regression, and the RPN's for Faster
R-CNN); validation is COCO-style mAP@0.5 and mAP@[.5:.95] on the validation images."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mireru.ml.detect.data import BoxRecord, DetectionDataset, collate
from mireru.ml.detect.metrics import ImageBoxes, mean_average_precision
from mireru.ml.detect.models import BACKBONE_ARCH, DetectorConfig, build_detector, configure_postprocess
from mireru.ml.detect.weights import resolve_backbone_weights
from mireru.ml.train.task import EvalContext, TrainTask

MODEL_FORMAT = "mireru.model/1"  # every model version's file format (see embedding_net.task)
KIND = "detector"
# COCO evaluation keeps low-scoring detections: they lengthen the precision/recall curve.
EVAL_SCORE_THRESHOLD = 0.05
EVAL_NMS_IOU = 0.5
EVAL_MAX_DETECTIONS = 100


@dataclass(frozen=True)
class DetectorTaskConfig:
    model: str
    classes: tuple[str, ...]
    image_size: int
    pretrained_backbone: str | None = "auto"  # "auto", "none", a weights tag or a file
    trainable_backbone_layers: int | None = None
    hflip: float = 0.5
    vflip: float = 0.0
    # With ImageNet weights the backbone's batch norm is frozen, so its features reach the new,
    # random heads unnormalised and large: at a from-scratch learning rate they diverge (seen with
    # AdamW at 2e-3). The whole detector then trains at lr x this.
    pretrained_lr_scale: float = 0.1
    # What prediction uses unless a request says otherwise; saved in the model file.
    score_threshold: float = 0.5
    nms_iou: float = 0.5
    max_detections: int = 100


class DetectorTask(TrainTask):
    monitor = "val/map50"
    monitor_mode = "max"

    def __init__(self, config: DetectorTaskConfig, train: list[BoxRecord], val: list[BoxRecord]) -> None:
        if not train:
            raise ValueError("no training images")
        if not config.classes:
            raise ValueError("no box classes")
        self.config = config
        self.train_records = train
        self.val_records = val
        # Where the backbone's weights came from and whether there were any, once built (the
        # weights themselves are not kept: the model holds them).
        self._weights_source = "not built yet"
        self._pretrained = False

    def detector_config(self, pretrained: bool) -> DetectorConfig:
        cfg = self.config
        return DetectorConfig(
            cfg.model, len(cfg.classes), cfg.image_size, pretrained, cfg.trainable_backbone_layers
        )

    def build_model(self) -> nn.Module:
        weights = resolve_backbone_weights(
            BACKBONE_ARCH.get(self.config.model), self.config.pretrained_backbone
        )
        self._weights_source, self._pretrained = weights.source, weights.state is not None
        return build_detector(self.detector_config(self._pretrained), weights.state)

    @property
    def pretrained(self) -> bool:
        return self._pretrained

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        scale = self.config.pretrained_lr_scale if self.pretrained else 1.0
        return [{"params": [p for p in model.parameters() if p.requires_grad], "lr_scale": scale}]

    def train_dataset(self) -> Dataset[Any]:
        cfg = self.config
        return DetectionDataset(self.train_records, cfg.image_size, hflip=cfg.hflip, vflip=cfg.vflip)

    def collate_fn(self) -> Callable[[list[Any]], Any]:
        return collate

    def val_size(self) -> int:
        return len(self.val_records)

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        images, targets = batch
        images = [image.to(device, non_blocking=True) for image in images]
        targets = [{k: v.to(device, non_blocking=True) for k, v in t.items()} for t in targets]
        losses: dict[str, torch.Tensor] = model(images, targets)
        loss = torch.stack([value.float() for value in losses.values()]).sum()
        return loss, len(images)

    def notes(self) -> list[str]:
        cfg = self.config
        return [
            f"detector: {cfg.model}, {len(cfg.classes)} box classes, images resized to a longer side of "
            f"{cfg.image_size} px; backbone: {self._weights_source}"
            + (
                f"; learning rate x {cfg.pretrained_lr_scale} for the pretrained backbone"
                if self.pretrained
                else ""
            )
        ]

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if not self.val_records:
            return {}
        configure_postprocess(model, EVAL_SCORE_THRESHOLD, EVAL_NMS_IOU, EVAL_MAX_DETECTIONS)
        data = DetectionDataset(self.val_records, self.config.image_size)
        loader = DataLoader(data, batch_size=ctx.batch_size, num_workers=ctx.num_workers, collate_fn=collate)
        found: list[ImageBoxes] = []
        truths: list[ImageBoxes] = []
        # Both in the resized images' pixels: IoU does not change when both axes are rescaled.
        # No autocast: bfloat16 box coordinates would be a pixel or two off at 320 px.
        for images, targets in loader:
            outputs = model([image.to(ctx.device) for image in images])
            for out, target in zip(outputs, targets, strict=True):
                found.append(
                    ImageBoxes(
                        out["boxes"].float().cpu().numpy(),
                        out["labels"].cpu().numpy(),
                        out["scores"].float().cpu().numpy(),
                    )
                )
                truths.append(ImageBoxes(target["boxes"].numpy(), target["labels"].numpy()))
        result = mean_average_precision(found, truths)
        return {"val/map50": result.map50, "val/map": result.map}

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        cfg = self.config
        return {
            "format": MODEL_FORMAT,
            "kind": KIND,
            "config": {
                "model": cfg.model,
                "classes": list(cfg.classes),
                "image_size": cfg.image_size,
                "pretrained_backbone": self.pretrained,
                "backbone_weights": self._weights_source,
                "trainable_backbone_layers": cfg.trainable_backbone_layers,
                "score_threshold": cfg.score_threshold,
                "nms_iou": cfg.nms_iou,
                "max_detections": cfg.max_detections,
            },
            "metrics": dict(metrics),
            "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        }
