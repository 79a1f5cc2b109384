"""PixelCache: cached pixels are exactly what decoding gives, the budget bounds what is kept, and
vectors embedded from cached pixels equal those embedded from the image files."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import ExifTags, Image

from mireru.ml.metric.metric_task import MetricConfig
from mireru.ml.metric.pixel_cache import PixelCache, eval_pixels, normalise
from mireru.ml.metric.triplet_task import MiningConfig, TripletTask
from mireru.ml.train.data import IMAGENET_MEAN, IMAGENET_STD, Record, eval_transform, load_rgb
from mireru.ml.train.task import EvalContext

SIZE = 24
IMAGE_BYTES = 3 * SIZE * SIZE


def _images(root: Path, n: int) -> list[Record]:
    """Images of assorted sizes and modes, so resizing and cropping do something, and every
    fourth a JPEG with an EXIF orientation (rotated on loading)."""
    rng = np.random.default_rng(0)
    shapes = [(40, 30), (24, 24), (17, 50), (64, 48)]
    modes = ["RGB", "L", "RGBA"]
    records = []
    for i in range(n):
        w, h = shapes[i % len(shapes)]
        pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
        image = Image.fromarray(pixels, "RGBA").convert(modes[i % len(modes)])
        if i % 4 == 3:
            path = root / f"{i}.jpg"
            exif = Image.Exif()
            exif[ExifTags.Base.Orientation] = 6
            image.convert("RGB").save(path, exif=exif)
        else:
            path = root / f"{i}.png"
            image.save(path)
        records.append(Record(str(path), i % 3))
    return records


def _decoded(records: list[Record]) -> torch.Tensor:
    return torch.stack([eval_pixels(r.path, SIZE) for r in records])


def _collect(cache: PixelCache, indices: range, batch_size: int, workers: int = 0) -> torch.Tensor:
    out = torch.zeros((len(indices), 3, SIZE, SIZE), dtype=torch.uint8)
    seen = torch.zeros(len(indices), dtype=torch.long)
    for positions, pixels in cache.batches(indices, batch_size, workers):
        out[positions] = pixels
        seen[positions] += 1
    assert bool((seen == 1).all())  # every image exactly once
    return out


def test_scaled_cached_pixels_are_exactly_the_eval_transform(tmp_path: Path) -> None:
    records = _images(tmp_path, 8)
    transform = eval_transform(SIZE, IMAGENET_MEAN, IMAGENET_STD)
    expected = torch.stack([transform(load_rgb(r.path)) for r in records])
    assert load_rgb(records[3].path).size == (48, 64)  # the JPEG's orientation was applied
    assert torch.equal(normalise(_decoded(records), IMAGENET_MEAN, IMAGENET_STD), expected)


def test_the_cache_keeps_what_its_budget_allows_and_serves_it_without_the_files(tmp_path: Path) -> None:
    records = _images(tmp_path, 7)
    expected = _decoded(records)
    cache = PixelCache(records, SIZE, budget_bytes=4 * IMAGE_BYTES + IMAGE_BYTES // 2)
    assert cache.capacity == 4
    assert cache.nbytes == 0  # nothing taken before the first pass
    assert cache.count_cached(range(7)) == 0

    assert torch.equal(_collect(cache, range(7), batch_size=3), expected)
    assert cache.count_cached(range(7)) == 4
    assert cache.count_cached(range(2, 6)) == 2
    assert cache.nbytes == 4 * IMAGE_BYTES

    # The cached images no longer need their files; the others are decoded again.
    for r in records[:4]:
        Path(r.path).unlink()
    assert torch.equal(_collect(cache, range(7), batch_size=2), expected)
    assert torch.equal(_collect(cache, range(1, 3), batch_size=5), expected[1:3])
    with pytest.raises(FileNotFoundError):
        _collect(PixelCache(records, SIZE, budget_bytes=0), range(7), batch_size=2)


def test_no_budget_caches_nothing_and_loader_workers_fill_the_cache_of_the_main_process(
    tmp_path: Path,
) -> None:
    records = _images(tmp_path, 5)
    expected = _decoded(records)
    empty = PixelCache(records, SIZE, budget_bytes=0)
    assert empty.capacity == 0
    assert torch.equal(_collect(empty, range(5), batch_size=2), expected)
    assert empty.nbytes == 0
    assert empty.count_cached(range(5)) == 0

    cache = PixelCache(records, SIZE, budget_bytes=2**20)
    assert torch.equal(_collect(cache, range(5), batch_size=2, workers=1), expected)
    assert cache.count_cached(range(5)) == 5


def test_vectors_from_cached_pixels_equal_those_from_the_image_files(tmp_path: Path) -> None:
    records = _images(tmp_path, 12)
    config = MetricConfig("tiny-cnn", SIZE, 8, classes=("a", "b", "c"))
    ctx = EvalContext(torch.device("cpu"), 4, 0, None)
    reference = None
    for budget in (config.pixel_cache_bytes, 5 * IMAGE_BYTES, 0):
        torch.manual_seed(0)
        task = TripletTask(
            MetricConfig("tiny-cnn", SIZE, 8, pixel_cache_bytes=budget), MiningConfig(), records, []
        )
        net = task.build_net()
        net.train()
        if reference is None:
            # The images as the eval transform makes them, one forward pass.
            transform = eval_transform(SIZE, task.mean, task.std)
            with torch.no_grad():
                reference = net.eval()(torch.stack([transform(load_rgb(r.path)) for r in records]))
            net.train()
        first = task.train_vectors(net, ctx)
        assert (first.reused, first.cached_pixels, first.decoded) == (0, 0, 12)
        second = task.train_vectors(net, ctx)
        cached = min(12, budget // IMAGE_BYTES)
        assert (second.reused, second.cached_pixels, second.decoded) == (0, cached, 12 - cached)
        assert net.training  # extraction leaves the mode as it found it
        for got in (first.vectors, second.vectors):
            torch.testing.assert_close(got, reference, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(task.embed(net, records, ctx), reference, rtol=1e-5, atol=1e-6)
