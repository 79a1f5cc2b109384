"""Classification examples: an image file, a class index and the item's measurement readings for
the chosen keys (NaN where the item lacks one), and the dataset that decodes them."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from mireru.ml.train.data import load_rgb

MISSING = float("nan")


@dataclass(frozen=True)
class ClassifierRecord:
    path: str
    target: int
    measurements: tuple[float, ...] = ()  # one per measurement key, NaN when missing


def measurement_vector(readings: Mapping[str, Any] | None, keys: Sequence[str]) -> tuple[float, ...]:
    """The readings for `keys` in order; a missing, non-numeric or non-finite value becomes NaN."""
    out: list[float] = []
    for key in keys:
        value = (readings or {}).get(key)
        number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else MISSING
        out.append(number if math.isfinite(number) else MISSING)
    return tuple(out)


def measurement_statistics(
    records: Sequence[ClassifierRecord], num_keys: int
) -> tuple[list[float], list[float]]:
    """Per-key mean and standard deviation over the present values. A key with no value (or one
    constant value) gets a standard deviation of 1, so standardising never divides by zero."""
    means, stds = [], []
    for k in range(num_keys):
        values = [r.measurements[k] for r in records if not math.isnan(r.measurements[k])]
        mean = math.fsum(values) / len(values) if values else 0.0
        var = math.fsum((v - mean) ** 2 for v in values) / len(values) if values else 0.0
        std = math.sqrt(var)
        means.append(mean)
        stds.append(std if std > 1e-8 * max(1.0, abs(mean)) else 1.0)
    return means, stds


class ClassifierRecords(Dataset[tuple[torch.Tensor, torch.Tensor, int]]):
    """(image tensor, measurement tensor (K,), class index) per record."""

    def __init__(self, records: Sequence[ClassifierRecord], transform: v2.Transform) -> None:
        self.records = list(records)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        record = self.records[index]
        image: torch.Tensor = self.transform(load_rgb(record.path))
        return image, torch.tensor(record.measurements, dtype=torch.float32), record.target
