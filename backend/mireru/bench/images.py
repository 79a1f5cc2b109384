"""Photo-like JPEGs for embedding benchmarks: smooth colour fields, shapes and sensor-like
noise, so they compress and decode like camera pictures (not like flat test patterns)."""

import io
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def photo_jpeg(seed: int, width: int = 640, height: int = 480, quality: int = 90) -> bytes:
    rng = np.random.default_rng(seed)
    small = rng.uniform(0, 255, (6, 8, 3)).astype(np.uint8)
    image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1 = x0 + int(rng.integers(width // 32 + 1, width // 3 + 2))
        y1 = y0 + int(rng.integers(height // 32 + 1, height // 3 + 2))
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=color)
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    pixels = np.asarray(image, dtype=np.int16) + rng.normal(0, 6, (height, width, 3)).astype(np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _write(args: tuple[Path, int, int, int]) -> str:
    folder, seed, width, height = args
    path = folder / f"photo-{seed:06d}.jpg"
    if not path.exists():
        path.write_bytes(photo_jpeg(seed, width, height))
    return str(path)


def make_jpegs(folder: Path, count: int, width: int = 640, height: int = 480) -> list[str]:
    """Write `count` photo-like JPEGs (kept if already there), on every core."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(folder, i, width, height) for i in range(count)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(_write, jobs, chunksize=64))
