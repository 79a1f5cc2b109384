"""Training-time augmentation presets for classification.

- "inspection": for top-down, orientation-free images (parts on a conveyor, surfaces, cells, tiles):
  flips both ways, 90-degree rotations, colour jitter and a small affine warp. A defect looks the
  same upside down, so the model should not learn the camera's orientation.
- "natural": photos with a sky and a floor: random resized crop, horizontal flip, colour jitter.
- "light": a small affine warp only, for images whose orientation carries meaning (digits, text,
  gauges) where a flip or rotation would change the class.
- "none": resize and centre-crop, exactly what evaluation does.

Every preset ends in the same float normalisation as `eval_transform`, so train and inference
see the same value range.
"""

from collections.abc import Sequence
from typing import Literal, get_args

import torch
from torch import nn
from torchvision.transforms import v2

from mireru.ml.train.data import IMAGENET_MEAN, IMAGENET_STD

Preset = Literal["inspection", "natural", "light", "none"]
PRESETS: tuple[str, ...] = get_args(Preset)


class RandomRot90(nn.Module):
    """Rotate a (..., H, W) image tensor by a random multiple of 90 degrees (exact, no resampling)."""

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        turns = int(torch.randint(0, 4, (1,)).item())
        return torch.rot90(image, turns, dims=(-2, -1)) if turns else image


def _jitter() -> v2.Transform:
    return v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.02)


def _affine(degrees: float) -> v2.Transform:
    return v2.RandomAffine(degrees=degrees, translate=(0.05, 0.05), scale=(0.92, 1.08))


def _geometry(preset: Preset, size: int) -> list[nn.Module]:
    square = [v2.Resize(size, antialias=True), v2.CenterCrop(size)]
    if preset == "inspection":
        # Rotations by 90 degrees need a square image, hence resize-and-crop first.
        return [
            *square,
            v2.ToImage(),
            v2.RandomHorizontalFlip(),
            v2.RandomVerticalFlip(),
            RandomRot90(),
            _affine(10),
            _jitter(),
        ]
    if preset == "natural":
        return [
            v2.RandomResizedCrop(size, scale=(0.6, 1.0), antialias=True),
            v2.ToImage(),
            v2.RandomHorizontalFlip(),
            _jitter(),
        ]
    if preset == "light":
        return [*square, v2.ToImage(), _affine(8)]
    return [*square, v2.ToImage()]


def augmentation(
    preset: Preset, size: int, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD
) -> v2.Transform:
    """PIL image -> normalised float tensor (3, size, size), augmented as `preset` says."""
    if preset not in PRESETS:
        raise ValueError(f"unknown augmentation {preset!r}; use one of {', '.join(PRESETS)}")
    return v2.Compose(
        [
            *_geometry(preset, size),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(list(mean), list(std)),
        ]
    )
