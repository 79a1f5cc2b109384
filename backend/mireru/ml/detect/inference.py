"""DetectorPredictor: a trained `detector` model version for serving. `load()` once, then
`predict()` PIL images into boxes in each image's own pixels, with labels and scores."""

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import nn
from torchvision.transforms.v2 import functional as TF  # noqa: N812

from mireru.ml.detect.data import resize_longer
from mireru.ml.detect.models import DetectorConfig, build_detector, configure_postprocess
from mireru.ml.detect.task import KIND, MODEL_FORMAT

BATCH = 8


def read_detector_bundle(path: Path) -> dict[str, Any]:
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path}: not a Mireru model file")
    if bundle.get("kind") != KIND:
        raise ValueError(f"{path}: a {bundle.get('kind')!r} model, not a detector")
    return bundle


class DetectorPredictor:
    """Images -> boxes with a model version's weights, on one device. Thread-safe after load()
    (forwards take turns: each may ask for its own thresholds)."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        self.path = path
        self.device = torch.device(device)
        self._model: nn.Module | None = None
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}

    def load(self) -> "DetectorPredictor":
        with self._lock:
            if self._model is not None:
                return self
            bundle = read_detector_bundle(self.path)
            cfg = bundle["config"]
            detector = DetectorConfig(
                model=str(cfg["model"]),
                num_classes=len(cfg["classes"]),
                image_size=int(cfg["image_size"]),
                pretrained_backbone=bool(cfg["pretrained_backbone"]),
                trainable_backbone_layers=cfg.get("trainable_backbone_layers"),
            )
            model = build_detector(detector)
            model.load_state_dict(bundle["state_dict"])
            self._model = model.to(self.device).eval()
            self.config = cfg
        return self

    @property
    def model(self) -> nn.Module:
        if self._model is None:
            raise RuntimeError("call load() first")
        return self._model

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.config["classes"]]

    @property
    def image_size(self) -> int:
        return int(self.config["image_size"])

    def predict(
        self,
        images: Sequence[Image.Image],
        score_threshold: float | None = None,
        nms_iou: float | None = None,
        max_detections: int | None = None,
    ) -> list[list[dict[str, Any]]]:
        """Per image, its detections best first: {"label", "score", "x", "y", "w", "h"} in the
        image's pixels ((x, y) the top-left corner). Thresholds left out are the version's
        (set when it was trained)."""
        cfg = self.config
        score = float(cfg["score_threshold"] if score_threshold is None else score_threshold)
        nms = float(cfg["nms_iou"] if nms_iou is None else nms_iou)
        limit = int(cfg["max_detections"] if max_detections is None else max_detections)
        results: list[list[dict[str, Any]]] = []
        for start in range(0, len(images), BATCH):
            results += self._predict_batch(images[start : start + BATCH], score, nms, limit)
        return results

    def _predict_batch(
        self, images: Sequence[Image.Image], score: float, nms: float, limit: int
    ) -> list[list[dict[str, Any]]]:
        tensors, scales = [], []
        for image in images:
            resized, sx, sy = resize_longer(image.convert("RGB"), self.image_size)
            tensors.append(TF.to_dtype(TF.to_image(resized), torch.float32, scale=True).to(self.device))
            scales.append((sx, sy, image.width, image.height))
        with self._lock, torch.inference_mode():
            configure_postprocess(self.model, score, nms, limit)
            outputs = self.model(tensors)
        classes = self.classes
        results = []
        for out, (sx, sy, width, height) in zip(outputs, scales, strict=True):
            boxes = out["boxes"].float().cpu().clone()  # inference tensors are read-only
            boxes[:, 0::2] = (boxes[:, 0::2] / sx).clamp(0, width)
            boxes[:, 1::2] = (boxes[:, 1::2] / sy).clamp(0, height)
            found = []
            for (x1, y1, x2, y2), label, value in zip(
                boxes.tolist(), out["labels"].tolist(), out["scores"].float().tolist(), strict=True
            ):
                if value < score or not 1 <= label <= len(classes):
                    continue
                found.append(
                    {
                        "label": classes[label - 1],
                        "score": value,
                        "x": x1,
                        "y": y1,
                        "w": x2 - x1,
                        "h": y2 - y1,
                    }
                )
            found.sort(key=lambda d: -d["score"])
            results.append(found[:limit])
        return results
