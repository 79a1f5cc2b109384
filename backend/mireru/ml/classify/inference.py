"""ClassifierPredictor: a `classifier` model version for serving. `load()` once, then `predict()`
batches of images (and their measurements) into the top classes with probabilities.

Measurements are raw readings keyed by name, as items store them; the predictor picks the model's
keys, and the network standardises them with the statistics saved at training time. A key an
item lacks is imputed exactly as in training.
"""

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image

from mireru.ml.classify.network import ClassifierNet
from mireru.ml.classify.records import measurement_vector
from mireru.ml.classify.task import KIND
from mireru.ml.embedding_net.inference import read_bundle
from mireru.ml.embedding_net.network import BaseModel, build_backbone
from mireru.ml.train.data import eval_transform

BATCH = 64
Prediction = list[tuple[str, float]]


class ClassifierPredictor:
    """Images (+ measurements) -> class probabilities on one device. Thread-safe after load()."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        self.path = path
        self.device = torch.device(device)
        self._net: ClassifierNet | None = None
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}
        self.metrics: dict[str, float] = {}

    def load(self) -> "ClassifierPredictor":
        with self._lock:
            if self._net is not None:
                return self
            bundle = read_bundle(self.path)
            if bundle.get("kind") != KIND:
                raise ValueError(f"{self.path}: a {bundle.get('kind')!r} model, not a classifier")
            cfg = bundle["config"]
            built = build_backbone(
                BaseModel.parse(cfg["base_model"]), int(cfg["image_size"]), pretrained=False
            )
            net = ClassifierNet(
                built.module,
                int(cfg["feature_dim"]),
                len(cfg["classes"]),
                len(cfg["measurement_keys"]),
                int(cfg["measurement_hidden"]),
                int(cfg["fusion_hidden"]),
                float(cfg["dropout"]),
            )
            # The standardisation statistics are buffers: they come back with the weights.
            net.load_state_dict(bundle["state_dict"])
            self._net = net.to(self.device).eval()
            self.config = cfg
            self.metrics = {str(k): float(v) for k, v in bundle.get("metrics", {}).items()}
        return self

    @property
    def net(self) -> ClassifierNet:
        if self._net is None:
            raise RuntimeError("call load() first")
        return self._net

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.config["classes"]]

    @property
    def measurement_keys(self) -> list[str]:
        """The readings the model uses, in order; empty for an image-only model."""
        return [str(k) for k in self.config.get("measurement_keys", [])]

    @property
    def image_size(self) -> int:
        return int(self.config["image_size"])

    def _measurements(
        self, count: int, measurements: Sequence[Mapping[str, float]] | None
    ) -> torch.Tensor | None:
        keys = self.measurement_keys
        if not keys:
            return None
        if measurements is None:
            measurements = [{}] * count
        if len(measurements) != count:
            raise ValueError(f"{count} images but {len(measurements)} measurement sets")
        return torch.tensor([measurement_vector(m, keys) for m in measurements], dtype=torch.float32)

    def probabilities(
        self, images: Sequence[Image.Image], measurements: Sequence[Mapping[str, float]] | None = None
    ) -> npt.NDArray[np.float32]:
        """(N, classes) softmax probabilities, in the order of `classes`."""
        meas = self._measurements(len(images), measurements)
        if not images:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        cfg = self.config
        transform = eval_transform(self.image_size, cfg["mean"], cfg["std"])
        out: list[torch.Tensor] = []
        with torch.inference_mode():
            for start in range(0, len(images), BATCH):
                batch = torch.stack([transform(im.convert("RGB")) for im in images[start : start + BATCH]])
                part = None if meas is None else meas[start : start + BATCH].to(self.device)
                out.append(self.net(batch.to(self.device), part).float().softmax(dim=1).cpu())
        probs: npt.NDArray[np.float32] = torch.cat(out).numpy().astype(np.float32, copy=False)
        return probs

    def predict(
        self,
        images: Sequence[Image.Image],
        measurements: Sequence[Mapping[str, float]] | None = None,
        top_k: int = 5,
    ) -> list[Prediction]:
        """Per image, the `top_k` most probable (class, probability), most probable first."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        probs = self.probabilities(images, measurements)
        classes = self.classes
        k = min(top_k, len(classes))
        results: list[Prediction] = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[:k]
            results.append([(classes[i], float(row[i])) for i in order])
        return results
