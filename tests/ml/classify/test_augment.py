"""Augmentation presets: every preset yields the model's input shape and value range."""

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.classify.augment import PRESETS, RandomRot90, augmentation


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_gives_a_normalised_square_tensor(preset: str) -> None:
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 60, 3), dtype=np.uint8))
    out = augmentation(preset, 32)(image)  # type: ignore[arg-type]
    assert out.shape == (3, 32, 32)
    assert out.dtype == torch.float32
    assert float(out.min()) > -3.0
    assert float(out.max()) < 3.0


def test_rot90_is_an_exact_quarter_turn() -> None:
    image = torch.arange(16.0).reshape(1, 4, 4)
    torch.manual_seed(0)
    seen = {tuple(RandomRot90()(image).flatten().tolist()) for _ in range(40)}
    expected = {tuple(torch.rot90(image, k, dims=(-2, -1)).flatten().tolist()) for k in range(4)}
    assert seen == expected


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown augmentation"):
        augmentation("sideways", 32)  # type: ignore[arg-type]
