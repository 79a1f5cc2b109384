"""Decoding images into model-sized tensors, in DataLoader workers."""

from pathlib import Path

import torch
from PIL import Image

from mireru.ml.backbones import Preprocess
from mireru.ml.data import decode_image, image_loader
from tests.ml.models import encode, photo, photo_bytes

PRE = Preprocess(size=64, crop_ratio=0.875)


def test_decode_resizes_and_centre_crops() -> None:
    out = decode_image(photo_bytes(1, 160, 120), PRE)
    assert out.shape == (3, 64, 64)
    assert out.dtype == torch.uint8


def test_draft_mode_matches_a_full_decode() -> None:
    """Reduced-size JPEG decoding (PIL draft) gives nearly the same model input, far cheaper."""
    data = photo_bytes(2, 640, 480)
    fast = decode_image(data, PRE, draft=True).float()
    full = decode_image(data, PRE, draft=False).float()
    assert (fast - full).abs().mean() < 3.0


def test_grayscale_png_and_palette_images_become_rgb() -> None:
    gray = encode(photo(3).convert("L"), "PNG")
    palette = encode(photo(4).convert("P"), "PNG")
    assert decode_image(gray, PRE).shape == (3, 64, 64)
    assert decode_image(palette, PRE).shape == (3, 64, 64)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    wide = photo(5, 120, 60)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    path = tmp_path / "rotated.jpg"
    wide.save(path, format="JPEG", exif=exif)
    tall = Preprocess(size=30, crop_ratio=1.0)
    decoded = decode_image(path, tall)
    upright = decode_image(encode(wide.transpose(Image.Transpose.ROTATE_270)), tall)
    assert (decoded.float() - upright.float()).abs().mean() < 8.0


def test_loader_batches_in_order_with_workers_and_reports_bad_files(tmp_path: Path) -> None:
    records = []
    for i in range(7):
        path = tmp_path / f"{i}.jpg"
        path.write_bytes(photo_bytes(i))
        records.append((100 + i, str(path)))
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    records.insert(3, (999, str(tmp_path / "bad.jpg")))
    batches = list(image_loader(records, PRE, batch_size=3, workers=2))
    assert [k for b in batches for k in b.keys] == [100 + i for i in range(7)]
    assert [k for b in batches for k in b.failed] == [999]
    assert batches[0].images.shape == (3, 3, 64, 64)


def test_loader_can_leave_jpeg_decoding_to_the_device(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(photo_bytes(1))
    (tmp_path / "b.png").write_bytes(photo_bytes(2, fmt="PNG"))
    [batch] = list(
        image_loader(
            [(1, str(tmp_path / "a.jpg")), (2, str(tmp_path / "b.png"))],
            PRE,
            batch_size=4,
            workers=0,
            gpu_decode=True,
        )
    )
    assert batch.encoded_keys == [1]  # JPEG bytes, decoded by the model's device
    assert batch.keys == [2]  # other formats are decoded in the worker
