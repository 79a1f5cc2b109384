"""Images from files to model-sized uint8 tensors, in DataLoader worker processes.

Decoding is the expensive part of embedding a collection, so it happens in workers and as little
of it as possible: JPEGs are decoded at a reduced size (PIL's draft mode lets libjpeg skip the
DCT coefficients a downscale would throw away), then resized and centre-cropped. Normalisation
happens on the model's device, so workers ship uint8 (4x less to copy than float32).

With `gpu_decode`, workers only read JPEG files and the bytes are decoded on the GPU (nvjpeg
through torchvision.io.decode_jpeg); other formats are still decoded in the workers.
"""

import io
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps
from torch.utils.data import DataLoader, Dataset

from mireru.ml.backbones import Preprocess

log = logging.getLogger(__name__)

JPEG_MAGIC = b"\xff\xd8\xff"
# Let libjpeg decode up to ~14% below the resize target (then upsampled a little): a 640x480 photo
# for a 256-then-crop-224 pipeline decodes at 320x240, four times fewer pixels.
DRAFT_SLACK = 0.875
Record = tuple[int, str]  # (key, path to an image file)


def _resample(pre: Preprocess) -> Image.Resampling:
    return Image.Resampling.BICUBIC if pre.interpolation == "bicubic" else Image.Resampling.BILINEAR


def to_model_size(image: Image.Image, pre: Preprocess) -> torch.Tensor:
    """Resize the shorter side, centre-crop a square and return uint8 CHW."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    w, h = image.size
    scale = pre.resize_to / min(w, h)
    nw, nh = max(pre.size, round(w * scale)), max(pre.size, round(h * scale))
    if (nw, nh) != (w, h):
        image = image.resize((nw, nh), _resample(pre), reducing_gap=None)
    left, top = (nw - pre.size) // 2, (nh - pre.size) // 2
    image = image.crop((left, top, left + pre.size, top + pre.size))
    # HWC -> CHW in numpy: a plain strided copy (torch's would start its thread pool per image).
    return torch.from_numpy(np.ascontiguousarray(np.asarray(image, dtype=np.uint8).transpose(2, 0, 1)))


def decode_image(source: str | Path | bytes, pre: Preprocess, draft: bool = True) -> torch.Tensor:
    """Decode one image file (or its bytes) into a uint8 tensor of shape (3, size, size)."""
    opened = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    if draft and opened.format == "JPEG":
        w, h = opened.size
        scale = pre.resize_to / min(w, h) * DRAFT_SLACK
        # libjpeg picks the smallest 1/2, 1/4 or 1/8 scale that is still at least this large.
        opened.draft("RGB", (math.ceil(w * scale), math.ceil(h * scale)))
    return to_model_size(ImageOps.exif_transpose(opened), pre)


@dataclass
class ImageBatch:
    """A collated batch: keys of decoded images with their uint8 tensors (N, 3, S, S), keys whose
    JPEG bytes still need decoding (gpu_decode), and keys that failed to decode."""

    keys: list[int]
    images: torch.Tensor
    encoded_keys: list[int] = field(default_factory=list)
    # All JPEG files of the batch in one buffer (one shared-memory segment between processes,
    # not one per image), with each file's length.
    encoded_bytes: torch.Tensor = field(default_factory=lambda: torch.empty(0, dtype=torch.uint8))
    encoded_sizes: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys) + len(self.encoded_keys)

    @property
    def encoded(self) -> list[torch.Tensor]:
        """Each JPEG file as a 1-d uint8 tensor (views into the shared buffer)."""
        return list(torch.split(self.encoded_bytes, self.encoded_sizes)) if self.encoded_sizes else []

    def pin_memory(self) -> "ImageBatch":
        """Called by DataLoader(pin_memory=True) so host-to-GPU copies can be asynchronous."""
        self.images = self.images.pin_memory()
        return self


Sample = tuple[int, str, torch.Tensor | None]  # (key, "image" | "jpeg" | "failed", tensor)


class ImageFileDataset(Dataset[Sample]):
    def __init__(
        self, records: Sequence[Record], pre: Preprocess, draft: bool = True, gpu_decode: bool = False
    ) -> None:
        self.records = list(records)
        self.pre = pre
        self.draft = draft
        self.gpu_decode = gpu_decode

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> Sample:
        key, path = self.records[index]
        try:
            if self.gpu_decode:
                data = Path(path).read_bytes()
                if data[:3] == JPEG_MAGIC:
                    return key, "jpeg", torch.frombuffer(bytearray(data), dtype=torch.uint8)
                return key, "image", decode_image(data, self.pre, self.draft)
            return key, "image", decode_image(path, self.pre, self.draft)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            log.warning("cannot decode %s (key %s): %s", path, key, exc)
            return key, "failed", None


def collate_images(samples: list[Sample]) -> ImageBatch:
    keys = [k for k, kind, _ in samples if kind == "image"]
    images = [t for _, kind, t in samples if kind == "image" and t is not None]
    stacked = torch.stack(images) if images else torch.empty(0, 3, 0, 0, dtype=torch.uint8)
    files = [t for _, kind, t in samples if kind == "jpeg" and t is not None]
    return ImageBatch(
        keys=keys,
        images=stacked,
        encoded_keys=[k for k, kind, _ in samples if kind == "jpeg"],
        encoded_bytes=torch.cat(files) if files else torch.empty(0, dtype=torch.uint8),
        encoded_sizes=[int(t.numel()) for t in files],
        failed=[k for k, kind, _ in samples if kind == "failed"],
    )


def image_loader(
    records: Sequence[Record],
    pre: Preprocess,
    batch_size: int = 32,
    workers: int = 2,
    pin_memory: bool = False,
    draft: bool = True,
    gpu_decode: bool = False,
    prefetch_factor: int = 4,
) -> DataLoader[Sample]:
    """Batches of decoded images in record order, decoded by `workers` processes."""
    dataset = ImageFileDataset(records, pre, draft=draft, gpu_decode=gpu_decode)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=False,
        num_workers=workers,
        collate_fn=collate_images,
        pin_memory=pin_memory,
        prefetch_factor=prefetch_factor if workers > 0 else None,
        persistent_workers=False,
    )
