"""Datasets the metric-learning bench builds offline, in seconds, as PNG files on disk:

- "digits": scikit-learn's 1,797 handwritten digits (8x8, upscaled to 32 px), the 10 digits as
  classes. Train, val and test share the classes (stratified split).
- "skimage": the photos that ship inside scikit-image, each cut into a 3x3 grid of regions; a
  region is an *identity* and its images are different views of it (shifted, scaled and rotated
  crops with brightness, contrast and noise changes). Val and test identities are unseen in
  training, which is what retrieval of new items asks of a feature extractor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

Split = list[tuple[str, int]]  # (image path, target index)


@dataclass(frozen=True)
class BenchDataset:
    name: str
    classes: list[str]
    train: Split
    val: Split
    test: Split

    def summary(self) -> str:
        return (
            f"{self.name}: {len(self.train)} train / {len(self.val)} val / {len(self.test)} test images, "
            f"{len(self.classes)} targets"
        )


def _save(image: Image.Image, folder: Path, name: str) -> str:
    path = folder / f"{name}.png"
    image.save(path)
    return str(path)


def digits(folder: Path, seed: int = 0, size: int = 32) -> BenchDataset:
    """scikit-learn's digits: 60% train, 15% val, 25% test, stratified by digit."""
    from sklearn.datasets import load_digits

    folder.mkdir(parents=True, exist_ok=True)
    data = load_digits()
    rng = np.random.default_rng(seed)
    splits: dict[str, Split] = {"train": [], "val": [], "test": []}
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(data.target == digit))
        n_test, n_val = round(len(idx) * 0.25), round(len(idx) * 0.15)
        parts = {"test": idx[:n_test], "val": idx[n_test : n_test + n_val], "train": idx[n_test + n_val :]}
        for split, chosen in parts.items():
            for i in chosen.tolist():
                pixels = (data.images[i] * (255.0 / 16.0)).astype(np.uint8)
                image = Image.fromarray(pixels).resize((size, size), Image.Resampling.BILINEAR).convert("RGB")
                splits[split].append((_save(image, folder, f"digit{digit}-{i}"), digit))
    return BenchDataset("digits", [str(d) for d in range(10)], splits["train"], splits["val"], splits["test"])


def _photos() -> dict[str, np.ndarray]:
    """The photos bundled with scikit-image (no download), as RGB uint8 arrays."""
    from skimage import data

    loaders: dict[str, Callable[[], np.ndarray]] = {
        name: getattr(data, name)
        for name in (
            "astronaut",
            "brick",
            "camera",
            "cell",
            "chelsea",
            "coffee",
            "coins",
            "grass",
            "gravel",
            "hubble_deep_field",
            "immunohistochemistry",
            "moon",
            "page",
            "retina",
            "rocket",
            "text",
            "clock",
            "colorwheel",
            "logo",
        )
        if hasattr(data, name)
    }
    photos = {}
    for name, load in loaders.items():
        array = np.asarray(load())
        if array.ndim == 2:
            array = np.stack([array] * 3, axis=-1)
        photos[name] = np.ascontiguousarray(array[..., :3]).astype(np.uint8)
    return photos


def _view(
    photo: Image.Image, box: tuple[float, float, float, float], rng: np.random.Generator, size: int
) -> Image.Image:
    """One view of a region: a jittered, rescaled, rotated crop with photometric changes."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    scale = rng.uniform(0.8, 1.2)
    cx = (x0 + x1) / 2 + rng.uniform(-0.1, 0.1) * w
    cy = (y0 + y1) / 2 + rng.uniform(-0.1, 0.1) * h
    half = max(w, h) * scale / 2
    # Rotate a window 1.5x the crop (enough for 15 degrees) rather than the whole photo.
    reach = int(half * 1.5) + 1
    window = photo.crop((int(cx) - reach, int(cy) - reach, int(cx) + reach, int(cy) + reach))
    window = window.rotate(rng.uniform(-15, 15), resample=Image.Resampling.BILINEAR)
    inner = int(half)
    crop = window.crop((reach - inner, reach - inner, reach + inner, reach + inner))
    crop = crop.resize((size, size), Image.Resampling.BILINEAR)
    crop = ImageEnhance.Brightness(crop).enhance(rng.uniform(0.75, 1.25))
    crop = ImageEnhance.Contrast(crop).enhance(rng.uniform(0.75, 1.25))
    pixels = np.asarray(crop, dtype=np.float32) + rng.normal(0, 6, (size, size, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def skimage_regions(
    folder: Path, seed: int = 0, size: int = 48, grid: int = 3, views: int = 8
) -> BenchDataset:
    """Identities = grid regions of scikit-image's photos; 60/15/25% of identities for train, val
    and test (disjoint), `views` images each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    identities: list[tuple[str, Image.Image, tuple[float, float, float, float]]] = []
    for name, array in _photos().items():
        photo = Image.fromarray(array)
        h, w = array.shape[:2]
        # Regions inside a margin, so jittered, enlarged crops stay on the photo.
        mx, my = w * 0.1, h * 0.1
        cw, ch = (w - 2 * mx) / grid, (h - 2 * my) / grid
        for gy in range(grid):
            for gx in range(grid):
                box = (mx + gx * cw, my + gy * ch, mx + (gx + 1) * cw, my + (gy + 1) * ch)
                identities.append((f"{name}-{gy}{gx}", photo, box))
    order = rng.permutation(len(identities)).tolist()
    n_test, n_val = round(len(order) * 0.25), round(len(order) * 0.15)
    split_of = dict.fromkeys(order[:n_test], "test")
    split_of.update(dict.fromkeys(order[n_test : n_test + n_val], "val"))
    splits: dict[str, Split] = {"train": [], "val": [], "test": []}
    for target, (ident, photo, box) in enumerate(identities):
        for v in range(views):
            path = _save(_view(photo, box, rng, size), folder, f"{ident}-{v}")
            splits[split_of.get(target, "train")].append((path, target))
    classes = [ident for ident, _, _ in identities]
    return BenchDataset("skimage", classes, splits["train"], splits["val"], splits["test"])
