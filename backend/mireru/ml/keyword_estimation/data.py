"""Keyword-tagged images: records of (image file, keywords), the vocabulary a task trains on, and
batches of images with their keyword indices padded to a rectangle."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from mireru.ml.train.data import load_rgb

PAD = -1


@dataclass(frozen=True)
class KeywordRecord:
    """One example: an image file and its keywords (any number, possibly none)."""

    path: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The keywords a task scores, in a fixed order; `missing` were used by some record but have
    no vector (so they are dropped from the targets)."""

    words: tuple[str, ...]
    missing: tuple[str, ...]

    def indices(self, keywords: Sequence[str]) -> tuple[int, ...]:
        position = {w: i for i, w in enumerate(self.words)}
        return tuple(dict.fromkeys(position[k] for k in keywords if k in position))


def vocabulary(records: Sequence[KeywordRecord], known: Mapping[str, object] | None = None) -> Vocabulary:
    """Every keyword the records use (sorted); with `known`, only those it has."""
    used = sorted({k for r in records for k in r.keywords})
    if known is None:
        return Vocabulary(tuple(used), ())
    return Vocabulary(tuple(w for w in used if w in known), tuple(w for w in used if w not in known))


def unit_vectors(words: Sequence[str], vectors: Mapping[str, Sequence[float]]) -> torch.Tensor:
    """(V, d) float32, each word's vector scaled to length 1 (a zero vector stays zero)."""
    matrix = torch.tensor(np.asarray([vectors[w] for w in words], dtype=np.float32))
    return torch.nn.functional.normalize(matrix, dim=1)


def truth_matrix(targets: Sequence[Sequence[int]], size: int) -> torch.Tensor:
    """(N, V) bool: which vocabulary words each example truly has."""
    truth = torch.zeros(len(targets), size, dtype=torch.bool)
    for row, indices in enumerate(targets):
        truth[row, list(indices)] = True
    return truth


class KeywordImages(Dataset[tuple[torch.Tensor, tuple[int, ...]]]):
    """Decoded, transformed images with their keyword indices into the task's vocabulary."""

    def __init__(
        self, paths: Sequence[str], targets: Sequence[tuple[int, ...]], transform: v2.Transform
    ) -> None:
        self.paths = list(paths)
        self.targets = list(targets)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, tuple[int, ...]]:
        image: torch.Tensor = self.transform(load_rgb(self.paths[index]))
        return image, self.targets[index]


def collate_keywords(batch: list[tuple[torch.Tensor, tuple[int, ...]]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (B, 3, S, S) and keyword indices (B, M) padded with PAD after the real ones."""
    images = torch.stack([image for image, _ in batch])
    width = max([len(t) for _, t in batch] + [1])
    targets = torch.full((len(batch), width), PAD, dtype=torch.long)
    for row, (_, indices) in enumerate(batch):
        targets[row, : len(indices)] = torch.tensor(indices, dtype=torch.long)
    return images, targets
