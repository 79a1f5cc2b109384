"""Datasets of image tuples for metric learning: triplets (anchor, positive, negative) and pairs
(anchor, another image of its target), each image augmented on its own.

Their length is fixed when built, because the training loop's step counts (and resuming) depend
on it; the tuples behind the indices are replaced every epoch (`set_triplets`, `set_partners`)
before the loop starts iterating, and a DataLoader's worker processes pick up the new ones since
they are started afresh for every epoch."""

from collections.abc import Sequence

import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from mireru.ml.train.data import Record, load_rgb


class TripletImages(Dataset[tuple[torch.Tensor, ...]]):
    """`length` items per epoch; item i is triplet i modulo however many were set. With
    `with_targets` an item also carries the three images' targets (a (3,) long tensor), for a
    classification loss on them (the triplet task's warm-up epochs)."""

    def __init__(self, records: Sequence[Record], transform: v2.Transform, length: int) -> None:
        self.records = list(records)
        self.transform = transform
        self.length = length
        self.triplets = torch.empty((0, 3), dtype=torch.long)
        self.with_targets = False

    def set_triplets(self, anchors: torch.Tensor, positives: torch.Tensor, negatives: torch.Tensor) -> None:
        self.triplets = torch.stack([anchors, positives, negatives], dim=1).long().cpu()

    def __len__(self) -> int:
        return self.length

    def _image(self, index: int) -> torch.Tensor:
        image: torch.Tensor = self.transform(load_rgb(self.records[index].path))
        return image

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        if len(self.triplets) == 0:
            raise RuntimeError("no triplets set for this epoch")
        a, p, n = self.triplets[index % len(self.triplets)].tolist()
        images = (self._image(a), self._image(p), self._image(n))
        if not self.with_targets:
            return images
        targets = torch.tensor([self.records[i].target for i in (a, p, n)], dtype=torch.long)
        return (*images, targets)


class PairImages(Dataset[tuple[torch.Tensor, torch.Tensor, int]]):
    """Item i: image i, its partner (another image of its target, or itself when it has none)
    and its target. A batch of pairs gives every anchor at least one positive for batch-hard."""

    def __init__(self, records: Sequence[Record], transform: v2.Transform) -> None:
        self.records = list(records)
        self.transform = transform
        self.partners = torch.arange(len(self.records))

    def set_partners(self, partners: torch.Tensor) -> None:
        if partners.shape != (len(self.records),):
            raise ValueError(f"need one partner per record ({len(self.records)})")
        self.partners = partners.long().cpu()

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        record = self.records[index]
        partner = self.records[int(self.partners[index])]
        first: torch.Tensor = self.transform(load_rgb(record.path))
        second: torch.Tensor = self.transform(load_rgb(partner.path))
        return first, second, record.target
