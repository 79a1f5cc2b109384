"""Detection examples: an image file and its boxes ([x, y, w, h, class index] in the file's
pixels, (x, y) the top-left corner). The dataset resizes each image so its longer side is the
model's size (boxes scaled with it, so the model's own resize is a no-op), flips image and boxes
together when asked, and hands the model float images in [0, 1] with corner-format targets;
labels are class index + 1, as 0 is the detectors' background."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as TF  # noqa: N812

from mireru.ml.train.data import load_rgb

MIN_SIDE = 1.0  # boxes thinner than this (pixels, after resizing) are dropped: they break the loss


@dataclass(frozen=True)
class BoxRecord:
    path: str
    boxes: tuple[tuple[float, float, float, float, int], ...]


def box_records(paths: Sequence[str], extras: Sequence[dict[str, Any]]) -> list[BoxRecord]:
    """Records from a snapshot's image paths and the parallel extras' "boxes"."""
    if len(paths) != len(extras):
        raise ValueError(f"{len(paths)} images but {len(extras)} extras: the snapshot has no boxes")
    return [
        BoxRecord(
            path, tuple((float(x), float(y), float(w), float(h), int(c)) for x, y, w, h, c in extra["boxes"])
        )
        for path, extra in zip(paths, extras, strict=True)
    ]


def resize_longer(image: Image.Image, size: int) -> tuple[Image.Image, float, float]:
    """The image with its longer side `size`, and the (x, y) factors that map its pixels to them."""
    width, height = image.size
    scale = size / max(width, height)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    if (new_w, new_h) != (width, height):
        image = image.resize((new_w, new_h), Image.Resampling.BILINEAR)
    return image, new_w / width, new_h / height


def to_corners(
    boxes: Sequence[Sequence[float]], sx: float, sy: float, width: int, height: int
) -> torch.Tensor:
    """[x, y, w, h, ...] boxes -> (N, 4) scaled corner boxes, clipped to the image."""
    if not boxes:
        return torch.zeros((0, 4))
    xywh = torch.tensor([list(b[:4]) for b in boxes], dtype=torch.float32)
    corners = torch.stack(
        [xywh[:, 0] * sx, xywh[:, 1] * sy, (xywh[:, 0] + xywh[:, 2]) * sx, (xywh[:, 1] + xywh[:, 3]) * sy], 1
    )
    corners[:, 0::2] = corners[:, 0::2].clamp(0, width)
    corners[:, 1::2] = corners[:, 1::2].clamp(0, height)
    return corners


class DetectionDataset(Dataset[tuple[torch.Tensor, dict[str, torch.Tensor]]]):
    """(image (3, H, W) in [0, 1], {"boxes": (N, 4) corners, "labels": (N,)}) per record."""

    def __init__(
        self, records: Sequence[BoxRecord], size: int, hflip: float = 0.0, vflip: float = 0.0
    ) -> None:
        self.records = list(records)
        self.size = size
        self.hflip = hflip
        self.vflip = vflip

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        record = self.records[index]
        image, sx, sy = resize_longer(load_rgb(record.path), self.size)
        width, height = image.size
        boxes = to_corners(record.boxes, sx, sy, width, height)
        labels = torch.tensor([c + 1 for *_, c in record.boxes], dtype=torch.int64)
        keep = ((boxes[:, 2] - boxes[:, 0]) >= MIN_SIDE) & ((boxes[:, 3] - boxes[:, 1]) >= MIN_SIDE)
        boxes, labels = boxes[keep], labels[keep]
        tensor = TF.to_dtype(TF.to_image(image), torch.float32, scale=True)
        if self.hflip and torch.rand(()) < self.hflip:
            tensor = tensor.flip(-1)
            boxes = torch.stack([width - boxes[:, 2], boxes[:, 1], width - boxes[:, 0], boxes[:, 3]], 1)
        if self.vflip and torch.rand(()) < self.vflip:
            tensor = tensor.flip(-2)
            boxes = torch.stack([boxes[:, 0], height - boxes[:, 3], boxes[:, 2], height - boxes[:, 1]], 1)
        return tensor, {"boxes": boxes, "labels": labels}


def collate(
    batch: list[tuple[torch.Tensor, dict[str, torch.Tensor]]],
) -> tuple[list[torch.Tensor], list[dict[str, torch.Tensor]]]:
    """Detectors take lists: images differ in size and so do the numbers of boxes."""
    return [image for image, _ in batch], [target for _, target in batch]
