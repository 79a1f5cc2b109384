"""Tiny models and photo-like images the ML, embedding and search tests share.

open_clip cannot download weights here, so the tests save a small random CLIP as a local-dir
model (config + checkpoint) and load it through open_clip's real loading code. MobileNetV2's real
ImageNet weights ship in a package and load offline.
"""

import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

TINY_CLIP_CFG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "head_width": 32, "patch_size": 8},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


def save_tiny_clip(folder: Path, seed: int = 0) -> str:
    """A random tiny CLIP as an open_clip local-dir model; returns its model name."""
    import open_clip
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    config = {"model_cfg": TINY_CLIP_CFG, "preprocess_cfg": {"interpolation": "bilinear"}}
    (folder / "open_clip_config.json").write_text(json.dumps(config))
    torch.manual_seed(seed)
    model = open_clip.CLIP(**TINY_CLIP_CFG)
    torch.save(model.state_dict(), folder / "open_clip_pytorch_model.bin")
    return f"local-dir:{folder}"


def photo(seed: int, width: int = 96, height: int = 72) -> Image.Image:
    """A smooth, photo-like picture: a colour gradient with a few random shapes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = rng.uniform(0, 255, 3)
    slope = rng.uniform(-2, 2, (3, 2))
    pixels = np.stack([base[c] + slope[c, 0] * x + slope[c, 1] * y for c in range(3)], axis=-1)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = rng.integers(0, width - 10), rng.integers(0, height - 10)
        x1, y1 = x0 + rng.integers(8, width // 2), y0 + rng.integers(8, height // 2)
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=color)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=color)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


def photo_bytes(seed: int, width: int = 96, height: int = 72, fmt: str = "JPEG") -> bytes:
    return encode(photo(seed, width, height), fmt)


def near_copy(seed: int, width: int = 96, height: int = 72) -> bytes:
    """The same picture, rescaled and re-encoded at another quality: a near duplicate."""
    image = photo(seed, width, height).resize((width * 3 // 4, height * 3 // 4), Image.Resampling.BILINEAR)
    return encode(image, "JPEG", quality=70)
