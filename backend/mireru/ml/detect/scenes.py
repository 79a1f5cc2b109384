"""A generated detection set with exact boxes: handwritten digits (scikit-learn's digits) pasted
in bright colours onto crops of real photographs and textures (scikit-image's bundled images and
scikit-learn's sample photos), so it needs nothing from the internet.

Each box is the tight bounding box of the pasted digit's visible pixels, in the pixels of the
saved image, so a perfect detector scores mAP 1. Scenes vary in size and aspect ratio, so code
that maps boxes between original and model pixels is exercised too.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

BACKGROUNDS = (
    "astronaut",
    "brick",
    "camera",
    "chelsea",
    "coffee",
    "grass",
    "gravel",
    "rocket",
    "hubble_deep_field",
    "coins",
    "moon",
    "page",
    "retina",
    "immunohistochemistry",
)
COLOURS = (
    (255, 64, 64),
    (64, 255, 64),
    (80, 160, 255),
    (255, 230, 40),
    (255, 80, 255),
    (40, 255, 255),
    (255, 150, 30),
    (255, 255, 255),
)
DEFAULT_DIGITS = (0, 1, 4, 7)


@dataclass(frozen=True)
class Scene:
    """One generated image and its boxes ([x, y, w, h, class index], x/y the top-left corner)."""

    path: str
    width: int
    height: int
    boxes: list[list[float]]


@dataclass(frozen=True)
class SceneSet:
    classes: list[str]
    scenes: list[Scene]


@lru_cache(maxsize=1)
def _backgrounds() -> tuple[np.ndarray, ...]:
    import skimage.data
    from sklearn.datasets import load_sample_images

    arrays: list[np.ndarray] = []
    for name in BACKGROUNDS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(getattr(skimage.data, name)())
        if array.dtype != np.uint8:
            array = (255 * (array.astype(np.float64) / max(float(array.max()), 1.0))).astype(np.uint8)
        if array.ndim == 2:
            array = np.repeat(array[..., None], 3, axis=2)
        arrays.append(np.ascontiguousarray(array[..., :3]))
    arrays += [np.asarray(image) for image in load_sample_images().images]
    return tuple(arrays)


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return np.asarray(digits.images, dtype=np.float32) / 16.0, np.asarray(digits.target)


def _background(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """A random crop (a quarter to all of the photo) of a random photo, resized to the scene."""
    source = _backgrounds()[int(rng.integers(len(_backgrounds())))]
    h, w = source.shape[:2]
    scale = rng.uniform(0.5, 1.0)
    cw = max(8, min(w, int(scale * min(w, h * width / height))))
    ch = max(8, min(h, int(cw * height / width)))
    x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    crop = Image.fromarray(source[y0 : y0 + ch, x0 : x0 + cw])
    return crop.resize((width, height), Image.Resampling.BILINEAR)


def _digit_mask(image: np.ndarray, size: int) -> np.ndarray:
    """An 8x8 digit as a smooth size x size alpha mask in [0, 1]."""
    small = Image.fromarray((image * 255).astype(np.uint8))
    big = np.asarray(small.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32) / 255.0
    mask: np.ndarray = np.clip((big - 0.25) * 2.0, 0.0, 1.0)
    return mask


def _overlaps(box: tuple[int, int, int, int], placed: list[tuple[int, int, int, int]]) -> bool:
    x, y, w, h = box
    return any(x < px + pw and px < x + w and y < py + ph and py < y + h for px, py, pw, ph in placed)


def render_scene(
    rng: np.random.Generator,
    width: int,
    height: int,
    digits: Sequence[int],
    objects: tuple[int, int],
    object_scale: tuple[float, float],
) -> tuple[Image.Image, list[list[float]]]:
    """One scene: a background and 1..n non-overlapping coloured digits, with their exact boxes."""
    images, targets = _digits()
    canvas = np.asarray(_background(rng, width, height), dtype=np.float32).copy()
    boxes: list[list[float]] = []
    placed: list[tuple[int, int, int, int]] = []
    for _ in range(int(rng.integers(objects[0], objects[1] + 1))):
        cls = int(rng.integers(len(digits)))
        pool = np.flatnonzero(targets == digits[cls])
        size = max(8, int(rng.uniform(*object_scale) * min(width, height)))
        for _attempt in range(20):
            x, y = int(rng.integers(0, width - size + 1)), int(rng.integers(0, height - size + 1))
            if not _overlaps((x, y, size, size), placed):
                break
        else:
            continue
        alpha = _digit_mask(images[int(rng.choice(pool))], size)
        ys, xs = np.nonzero(alpha > 0.05)
        if len(xs) == 0:
            continue
        colour = np.asarray(COLOURS[int(rng.integers(len(COLOURS)))], dtype=np.float32)
        region = canvas[y : y + size, x : x + size]
        region[:] = region * (1 - alpha[..., None]) + colour * alpha[..., None]
        placed.append((x, y, size, size))
        x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        boxes.append([float(x + x0), float(y + y0), float(x1 - x0), float(y1 - y0), float(cls)])
    return Image.fromarray(canvas.clip(0, 255).astype(np.uint8)), boxes


def make_scenes(
    folder: Path,
    count: int,
    size: int = 160,
    digits: Sequence[int] = DEFAULT_DIGITS,
    objects: tuple[int, int] = (1, 4),
    object_scale: tuple[float, float] = (0.15, 0.35),
    seed: int = 0,
) -> SceneSet:
    """Write `count` scenes as PNGs into `folder`. `size` is the typical longer side; widths and
    heights vary between 75% and 125% of it. `object_scale` is a digit's side as a fraction of the
    scene's shorter side."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    scenes: list[Scene] = []
    for i in range(count):
        width, height = (int(size * rng.uniform(0.75, 1.25)) for _ in range(2))
        image, boxes = render_scene(rng, width, height, digits, objects, object_scale)
        while not boxes:
            image, boxes = render_scene(rng, width, height, digits, objects, object_scale)
        path = folder / f"scene-{seed}-{i:05d}.png"
        image.save(path)
        scenes.append(Scene(str(path), width, height, boxes))
    return SceneSet([f"digit-{d}" for d in digits], scenes)
