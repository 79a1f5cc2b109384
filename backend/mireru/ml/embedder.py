"""An inference wrapper around a backbone: `load()` once, then `predict()` batches of images (or
text, where the model has a text tower) into L2-normalised float32 vectors."""

import logging
import threading
import warnings
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from mireru.ml.backbones import Backbone, BackboneSpec, Preprocess, feature_dimension
from mireru.ml.data import ImageBatch, decode_image
from mireru.ml.embedding_net.backbone import any_backbone

log = logging.getLogger(__name__)

Precision = Literal["fp32", "bf16", "fp16", "amp"]
PRECISIONS: tuple[str, ...] = ("fp32", "bf16", "fp16", "amp")


def resolve_device(device: str) -> torch.device:
    """'auto' is the first CUDA device when there is one, else the CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def resolve_precision(precision: str, device: torch.device) -> Precision:
    """'auto' is bf16 weights on CUDA, fp32 on the CPU. 'amp' keeps fp32 weights under autocast."""
    if precision == "auto":
        return "bf16" if device.type == "cuda" else "fp32"
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be auto or one of {', '.join(PRECISIONS)}, not {precision!r}")
    return precision  # type: ignore[return-value]


class PendingVectors:
    """A batch's vectors, possibly still being computed (and copied back) on the GPU."""

    def __init__(self, keys: list[int], host: torch.Tensor, done: "torch.cuda.Event | None" = None) -> None:
        self.keys = keys
        self._host = host
        self._done = done

    def result(self) -> np.ndarray:
        if self._done is not None:
            self._done.synchronize()  # waits for this batch only, not for batches queued after it
        vectors: np.ndarray = self._host.numpy().astype(np.float32, copy=True)
        return vectors


class Embedder:
    """Feature extraction with one backbone on one device. Thread-safe after `load()`."""

    def __init__(self, spec: BackboneSpec, device: str = "cpu", precision: str = "fp32") -> None:
        self.spec = spec
        self.device = resolve_device(device)
        self.precision = resolve_precision(precision, self.device)
        self._backbone: Backbone | None = None
        self._dimension = 0
        self._lock = threading.Lock()
        self._mean = torch.empty(0)
        self._std = torch.empty(0)

    # --- loading ---------------------------------------------------------------------------------

    @property
    def dtype(self) -> torch.dtype:
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision, torch.float32)

    def load(self) -> "Embedder":
        """Build the backbone and move it to the device (once; later calls return at once)."""
        with self._lock:
            if self._backbone is not None:
                return self
            backbone = any_backbone(self.spec)
            for module in backbone.modules():
                module.to(self.device, dtype=self.dtype)
                if self.device.type == "cuda" and backbone.family == "torchvision":
                    module.to(memory_format=torch.channels_last)
            pre = backbone.preprocess
            self._mean = torch.tensor(pre.mean, device=self.device).view(1, 3, 1, 1) * 255
            self._std = torch.tensor(pre.std, device=self.device).view(1, 3, 1, 1) * 255
            self._dimension = feature_dimension(backbone)
            self._backbone = backbone
            log.info(
                "loaded %s %s (%s) on %s, %s, %d-d",
                self.spec.family,
                self.spec.name,
                self.spec.pretrained,
                self.device,
                self.precision,
                self._dimension,
            )
        return self

    @property
    def backbone(self) -> Backbone:
        if self._backbone is None:
            raise RuntimeError("call load() first")
        return self._backbone

    @property
    def dimension(self) -> int:
        self.backbone  # noqa: B018  # raises if not loaded
        return self._dimension

    @property
    def preprocess(self) -> Preprocess:
        return self.backbone.preprocess

    @property
    def has_text(self) -> bool:
        return self.backbone.has_text

    # --- images ----------------------------------------------------------------------------------

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (or 0..255 float) N,3,S,S on any device -> normalised model input on the device."""
        x = images.to(self.device, non_blocking=True).float()
        x = ((x - self._mean) / self._std).to(self.dtype)
        if self.device.type == "cuda" and self.backbone.family == "torchvision":
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The bare image tower on prepared input; features stay on the device."""
        with torch.inference_mode(), self._autocast():
            features: torch.Tensor = self.backbone.image_tower(x)
        return features

    def _autocast(self) -> AbstractContextManager[object]:
        if self.precision == "amp":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return nullcontext()

    def _finish(self, features: torch.Tensor) -> np.ndarray:
        features = F.normalize(features.float(), dim=-1)
        result: np.ndarray = features.cpu().numpy().astype(np.float32, copy=False)
        return result

    def predict(self, images: torch.Tensor) -> np.ndarray:
        """uint8 images (N, 3, S, S) -> float32 (N, D), L2-normalised."""
        if images.shape[0] == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._finish(self.forward(self.prepare(images)))

    def decode_on_device(self, encoded: list[torch.Tensor]) -> torch.Tensor:
        """JPEG bytes -> 0..255 float (N, 3, S, S) on the device (nvjpeg on CUDA), resized and
        centre-cropped like the CPU path; images of equal size are resized together."""
        from torchvision.io import ImageReadMode, decode_jpeg

        pre = self.preprocess
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchvision 0.29 deprecates its decoders for TorchCodec
            decoded = decode_jpeg(encoded, mode=ImageReadMode.RGB, device=self.device)
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, image in enumerate(decoded):
            groups[(int(image.shape[1]), int(image.shape[2]))].append(i)
        out = torch.empty(len(decoded), 3, pre.size, pre.size, device=self.device)
        for (h, w), idx in groups.items():
            scale = pre.resize_to / min(h, w)
            nh, nw = max(pre.size, round(h * scale)), max(pre.size, round(w * scale))
            batch = torch.stack([decoded[i] for i in idx]).float()
            resized = F.interpolate(batch, size=(nh, nw), mode=pre.interpolation, antialias=True)
            top, left = (nh - pre.size) // 2, (nw - pre.size) // 2
            crop = resized[:, :, top : top + pre.size, left : left + pre.size].clamp_(0, 255)
            out[torch.tensor(idx, device=self.device)] = crop
        return out

    def launch_batch(self, batch: ImageBatch) -> "PendingVectors":
        """Queue a collated batch (CPU-decoded and/or JPEG bytes) on the device without waiting:
        the caller can hand the device the next batch before reading this one's vectors."""
        parts: list[torch.Tensor] = []
        if batch.keys:
            parts.append(batch.images.to(self.device, non_blocking=True).float())
        if batch.encoded_keys:
            parts.append(self.decode_on_device(batch.encoded))
        keys = batch.keys + batch.encoded_keys
        if not parts:
            return PendingVectors(keys, torch.zeros(0, self.dimension))
        images = parts[0] if len(parts) == 1 else torch.cat(parts)
        features = F.normalize(self.forward(self.prepare(images)).float(), dim=-1)
        if self.device.type != "cuda":
            return PendingVectors(keys, features)
        host = torch.empty(features.shape, dtype=torch.float32, pin_memory=True)
        host.copy_(features, non_blocking=True)  # queued right behind this batch's kernels
        done = torch.cuda.Event()  # type: ignore[no-untyped-call]
        done.record()
        return PendingVectors(keys, host, done)

    def predict_batch(self, batch: ImageBatch) -> tuple[list[int], np.ndarray]:
        """A collated batch (CPU-decoded and/or JPEG bytes) -> (keys, vectors) in one forward."""
        pending = self.launch_batch(batch)
        return pending.keys, pending.result()

    def predict_bytes(self, data: bytes) -> np.ndarray:
        """One encoded image (any format Pillow reads) -> float32 (D,)."""
        vector: np.ndarray = self.predict(decode_image(data, self.preprocess).unsqueeze(0))[0]
        return vector

    # --- text ------------------------------------------------------------------------------------

    def predict_text(self, texts: list[str]) -> np.ndarray:
        """Texts -> float32 (N, D) through the text tower, in the image vectors' space."""
        backbone = self.backbone
        if backbone.text_model is None or backbone.tokenizer is None:
            raise ValueError(f"{self.spec.name} has no text tower")
        tokens = backbone.tokenizer(texts).to(self.device)
        with torch.inference_mode(), self._autocast():
            features: torch.Tensor = backbone.text_model(tokens)
        return self._finish(features)
