"""Real images with sensor readings for the classification bench: scikit-learn's handwritten digits
(1,797 scans of 8x8 pixels, 16 grey levels, from the UCI ML repository) upscaled to PNG files,
each given readings drawn from a fixed seed.

Two tasks over the same images:
- "digits-limits": each digit is a part type with its own temperature limit (35 + 4 x digit
  degrees C); an item is "fail" when its temperature reading is above its part's limit, else
  "pass". The image tells the part but not the temperature, the reading tells the temperature
  but not which limit applies: only both together decide the class.
- "digits": the class is the digit itself and the readings are noise, which shows what fusion
  costs when measurements carry no information.

Every item also has a humidity reading that is pure noise, so the fused model must pick the
useful reading out of several.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

Dataset = Literal["digits-limits", "digits"]
DATASETS: tuple[Dataset, ...] = ("digits-limits", "digits")
TEMPERATURE_RANGE = (20.0, 80.0)


def temperature_limit(digit: int) -> float:
    return 35.0 + 4.0 * digit


@dataclass
class Example:
    path: str
    image: Image.Image
    target: int
    measurements: dict[str, float]


@dataclass
class BenchData:
    classes: list[str]
    train: list[Example]
    val: list[Example]
    description: str
    notes: list[str] = field(default_factory=list)


def _upscaled(pixels: np.ndarray, size: int) -> Image.Image:
    grey = Image.fromarray(np.clip(pixels * (255.0 / 16.0), 0, 255).astype(np.uint8), mode="L")
    return grey.resize((size, size), Image.Resampling.BILINEAR).convert("RGB")


def _stratified_split(
    targets: np.ndarray, val_fraction: float, rng: np.random.Generator
) -> tuple[list[int], list[int]]:
    train, val = [], []
    for c in np.unique(targets):
        idx = rng.permutation(np.flatnonzero(targets == c)).tolist()
        cut = max(1, round(len(idx) * val_fraction))
        val += idx[:cut]
        train += idx[cut:]
    return sorted(train), sorted(val)


def build(
    folder: Path,
    dataset: Dataset,
    size: int = 32,
    seed: int = 0,
    val_fraction: float = 0.25,
    limit: int | None = None,
) -> BenchData:
    """Write the PNGs into `folder` and return the split (the same for every method)."""
    from sklearn.datasets import load_digits

    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; use one of {', '.join(DATASETS)}")
    digits = load_digits()
    images, numbers = digits.images, digits.target.astype(int)
    if limit is not None:
        images, numbers = images[:limit], numbers[:limit]
    rng = np.random.default_rng(seed)
    temperature = rng.uniform(*TEMPERATURE_RANGE, size=len(numbers))
    humidity = rng.normal(50.0, 10.0, size=len(numbers))
    if dataset == "digits-limits":
        classes = ["fail", "pass"]
        limits = np.array([temperature_limit(d) for d in numbers])
        targets = np.where(temperature > limits, 0, 1)
        description = (
            "scikit-learn digits as part types, label = fail if temperature_c > 35 + 4 x digit else "
            "pass (temperature uniform 20-80 C, humidity_pct noise)"
        )
    else:
        classes = [str(d) for d in range(10)]
        targets = numbers
        description = "scikit-learn digits, label = the digit (temperature_c and humidity_pct are noise)"
    train_idx, val_idx = _stratified_split(targets, val_fraction, rng)
    folder.mkdir(parents=True, exist_ok=True)
    examples = []
    for i in range(len(numbers)):
        image = _upscaled(images[i], size)
        path = folder / f"digit{i:04d}.png"
        image.save(path)
        readings = {
            "temperature_c": round(float(temperature[i]), 2),
            "humidity_pct": round(float(humidity[i]), 2),
        }
        examples.append(Example(str(path), image, int(targets[i]), readings))
    counts = np.bincount(targets, minlength=len(classes))
    notes = [
        f"data: {description}; {len(numbers)} images 8x8 upscaled to {size}px, "
        f"{len(train_idx)} train / {len(val_idx)} val (stratified, seed {seed}), "
        f"class counts {dict(zip(classes, counts.tolist(), strict=True))}"
    ]
    return BenchData(
        classes, [examples[i] for i in train_idx], [examples[i] for i in val_idx], description, notes
    )
