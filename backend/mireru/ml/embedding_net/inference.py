"""TrainedEmbedder: a fine-tuned `embedding` model version for inference. `load()` once, then
`predict()` batches of images into L2-normalised float32 vectors (what a search space stores)."""

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from mireru.ml.embedding_net.network import BaseModel, EmbeddingNet, build_backbone
from mireru.ml.embedding_net.task import MODEL_FORMAT
from mireru.ml.train.data import eval_transform

# Kinds whose model files hold an EmbeddingNet (same config keys, same weights layout).
EMBEDDING_NET_KINDS = frozenset({"embedding", "triplet"})


def read_bundle(path: Path) -> dict[str, Any]:
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path}: not a Mireru model file")
    return bundle


class TrainedEmbedder:
    """Images -> vectors with a model version's weights, on one device. Thread-safe after load()."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        self.path = path
        self.device = torch.device(device)
        self._net: EmbeddingNet | None = None
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}

    def load(self) -> "TrainedEmbedder":
        with self._lock:
            if self._net is not None:
                return self
            bundle = read_bundle(self.path)
            if bundle.get("kind") not in EMBEDDING_NET_KINDS:
                raise ValueError(f"{self.path}: a {bundle.get('kind')!r} model, not an embedding model")
            cfg = bundle["config"]
            built = build_backbone(
                BaseModel.parse(cfg["base_model"]), int(cfg["image_size"]), pretrained=False
            )
            net = EmbeddingNet(
                built.module, int(cfg["feature_dim"]), int(cfg["embedding_dim"]), neck=bool(cfg.get("neck"))
            )
            net.load_state_dict(bundle["state_dict"])
            self._net = net.to(self.device).eval()
            self.config = cfg
        return self

    @property
    def net(self) -> EmbeddingNet:
        if self._net is None:
            raise RuntimeError("call load() first")
        return self._net

    @property
    def dimension(self) -> int:
        return int(self.config["embedding_dim"])

    @property
    def image_size(self) -> int:
        return int(self.config["image_size"])

    def predict(self, images: torch.Tensor) -> np.ndarray:
        """Normalised float images (N, 3, S, S), as `eval_transform` makes them -> (N, D)."""
        with torch.inference_mode():
            out = self.net(images.to(self.device)).float()
        vectors: np.ndarray = out.cpu().numpy().astype(np.float32, copy=False)
        return vectors

    @property
    def mean(self) -> tuple[float, float, float]:
        m = self.config["mean"]
        return (float(m[0]), float(m[1]), float(m[2]))

    @property
    def std(self) -> tuple[float, float, float]:
        s = self.config["std"]
        return (float(s[0]), float(s[1]), float(s[2]))

    def predict_uint8(self, images: torch.Tensor) -> np.ndarray:
        """uint8 images (N, 3, S, S), already resized and centre-cropped to `image_size` (as the
        retrieval engine's decoding workers make them) -> (N, D), normalised on the device."""
        x = images.to(self.device, non_blocking=True).float().div_(255)
        mean = torch.tensor(self.mean, device=self.device).view(1, 3, 1, 1)
        std = torch.tensor(self.std, device=self.device).view(1, 3, 1, 1)
        return self.predict((x - mean) / std)

    def predict_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        """PIL images -> (N, D) float32, L2-normalised."""
        if not images:
            return np.zeros((0, self.dimension), dtype=np.float32)
        cfg = self.config
        transform = eval_transform(self.image_size, cfg["mean"], cfg["std"])
        batch = torch.stack([transform(image.convert("RGB")) for image in images])
        return self.predict(batch)
