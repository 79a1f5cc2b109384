"""PixelCache: the eval-transformed pixels of a fixed list of images, kept in memory as uint8.

The eval transform (resize the shorter side, centre-crop, scale, normalise) is deterministic, so
an image's pixels are the same at every extraction; only the network changes. Decoding and
resizing cost as much as a small network's forward pass on a CPU, so a task that embeds the same
images every epoch (search mining, validation) decodes each one once and keeps its cropped uint8
pixels (3 x size x size bytes: 3 KB at 32 px, 147 KB at 224 px), scaling and normalising whole
batches on the device instead. The first `capacity` images are kept, as many as `budget_bytes`
allows; the others are decoded at every pass. uint8 rather than float: four times as many images
fit, and four times fewer bytes go to the device.

`normalise(eval_pixels(path, size), mean, std)` equals `eval_transform(size, mean, std)` of the
image exactly (the same operations in the same order), so cached pixels change no vector.
"""

from collections.abc import Iterator, Sequence

import torch
from PIL import Image, ImageOps
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms.v2 import functional as F  # noqa: N812

from mireru.ml.train.data import Record


def _eval_bytes(path: str, size: int) -> torch.Tensor:
    """(size * size * 3,) uint8, height x width x RGB: `load_rgb` then the eval transform's resize
    and crop. At small sizes the per-image overheads cost more than the decoding itself, so this
    skips what does nothing (load_rgb's two copies, resizing or cropping to the same size, a
    v2.Compose's dispatch) and leaves the HWC -> CHW permute to whole batches."""
    with Image.open(path) as image:
        image.load()  # the pixels outlive the file
        ImageOps.exif_transpose(image, in_place=True)
        rgb = image if image.mode == "RGB" else image.convert("RGB")
    if rgb.size != (size, size):
        rgb = F.center_crop(F.resize(rgb, [size], antialias=True), [size])
    return torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8)


def _channels_first(flat: torch.Tensor, size: int) -> torch.Tensor:
    """(n, size * size * 3) HWC bytes -> (n, 3, size, size), contiguous."""
    return flat.view(-1, size, size, 3).permute(0, 3, 1, 2).contiguous()


def eval_pixels(path: str, size: int) -> torch.Tensor:
    """(3, size, size) uint8: `eval_transform` before scaling and normalising."""
    return _channels_first(_eval_bytes(path, size), size)[0]


def normalise(pixels: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """(n, 3, h, w) uint8 -> float32 as `eval_transform` scales and normalises (on their device)."""
    x = pixels.to(torch.float32).mul_(1.0 / 255)
    mean_t = torch.as_tensor(mean, dtype=torch.float32, device=x.device).view(-1, 1, 1)
    std_t = torch.as_tensor(std, dtype=torch.float32, device=x.device).view(-1, 1, 1)
    return x.sub_(mean_t).div_(std_t)


class _Decoded(Dataset[tuple[torch.Tensor, int]]):
    """The pixels of some of the records, and each one's index among them (for loader workers:
    it holds paths only, never the cache)."""

    def __init__(self, records: Sequence[Record], indices: list[int], size: int) -> None:
        self.paths = [records[i].path for i in indices]
        self.indices = indices
        self.size = size

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return _eval_bytes(self.paths[i], self.size), self.indices[i]


class PixelCache:
    """Pixels of `records` by index; the memory is taken as images are first decoded."""

    def __init__(self, records: Sequence[Record], size: int, budget_bytes: int) -> None:
        self.records = list(records)
        self.size = size
        self.image_bytes = 3 * size * size
        self.capacity = max(0, min(len(self.records), budget_bytes // self.image_bytes))
        self._pixels: torch.Tensor | None = None  # (capacity, 3, size, size), allocated at first use
        self._filled = torch.zeros(self.capacity, dtype=torch.bool)

    @property
    def nbytes(self) -> int:
        """Bytes held (the whole capacity once anything is cached)."""
        return 0 if self._pixels is None else self._pixels.numel()

    def _hits(self, index: torch.Tensor) -> torch.Tensor:
        hit = torch.zeros(len(index), dtype=torch.bool)
        inside = index < self.capacity
        hit[inside] = self._filled[index[inside]]
        return hit

    def count_cached(self, indices: Sequence[int]) -> int:
        return int(self._hits(torch.as_tensor(list(indices), dtype=torch.long)).sum())

    def _store(self, indices: torch.Tensor, pixels: torch.Tensor) -> None:
        keep = indices < self.capacity
        if not bool(keep.any()):
            return
        if self._pixels is None:
            # torch.empty reserves address space; pages are only taken as they are written.
            self._pixels = torch.empty((self.capacity, 3, self.size, self.size), dtype=torch.uint8)
        self._pixels[indices[keep]] = pixels[keep]
        self._filled[indices[keep]] = True

    def batches(
        self, indices: Sequence[int], batch_size: int, num_workers: int = 0
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(positions in `indices`, (b, 3, size, size) uint8 pixels) batches covering `indices`:
        the cached images first, then the others, decoded (by `num_workers` loader processes) and
        cached while the budget lasts."""
        index = torch.as_tensor(list(indices), dtype=torch.long)
        hit = self._hits(index)
        cached = hit.nonzero().flatten()
        for start in range(0, len(cached), batch_size):
            positions = cached[start : start + batch_size]
            assert self._pixels is not None  # there are hits
            yield positions, self._pixels[index[positions]]
        missing = (~hit).nonzero().flatten()
        if len(missing) == 0:
            return
        data = _Decoded(self.records, index[missing].tolist(), self.size)
        loader = DataLoader(data, batch_size=batch_size, num_workers=num_workers)
        done = 0
        for flat, record_ids in loader:
            pixels = _channels_first(flat, self.size)
            self._store(record_ids, pixels)
            yield missing[done : done + len(record_ids)], pixels
            done += len(record_ids)
