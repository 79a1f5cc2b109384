"""A run's dataset: the selection resolved once, when the run first starts, into a snapshot of
(item, blob, class) rows kept in the blob store. A retry or resume reads the same snapshot, so it
trains on exactly the items the first attempt did even if annotations changed meanwhile."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mireru.training import repository
from mireru.training.kinds.base import Target, TrainingData
from mireru.training.schemas import DatasetSelection

SNAPSHOT_FORMAT = "mireru.dataset/1"


@dataclass
class Snapshot:
    classes: list[str]
    train: list[tuple[int, str, int]]  # (item id, blob sha256, class index)
    val: list[tuple[int, str, int]]
    skipped_multi: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "train_items": len(self.train),
            "val_items": len(self.val),
            "classes": len(self.classes),
            "skipped_multi_label": self.skipped_multi,
        }

    def to_json(self) -> bytes:
        body = {"format": SNAPSHOT_FORMAT, "classes": self.classes, "train": self.train, "val": self.val,
                "skipped_multi": self.skipped_multi}  # fmt: skip
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Snapshot":
        body = json.loads(data)
        if body.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("not a Mireru dataset snapshot")
        return cls(
            classes=list(body["classes"]),
            train=[(int(i), str(s), int(c)) for i, s, c in body["train"]],
            val=[(int(i), str(s), int(c)) for i, s, c in body["val"]],
            skipped_multi=int(body.get("skipped_multi", 0)),
        )

    def training_data(self, path_of: Any) -> TrainingData:
        """As the kinds want it: image paths from `path_of(sha256)`."""
        return TrainingData(
            classes=self.classes,
            train=[(str(path_of(sha)), c) for _, sha, c in self.train],
            val=[(str(path_of(sha)), c) for _, sha, c in self.val],
        )


def _held_out(item_id: int, seed: int, fraction: float) -> bool:
    """A stable pseudo-random choice per item (Knuth's multiplicative hash)."""
    return ((item_id * 2654435761 + seed * 40503) % 2**32) / 2**32 < fraction


def resolve(
    session: Session, project_id: int, selection: DatasetSelection, target: Target, seed: int
) -> Snapshot:
    """Items with exactly one target value; an item with several labels is ambiguous for a
    single-label kind and is left out (and counted)."""
    splits = [*selection.train_splits, *selection.val_splits]
    rows = repository.candidates(session, project_id, selection.filters, splits, target)
    by_item: dict[int, list[repository.Candidate]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(row)
    single = [found[0] for found in by_item.values() if len(found) == 1]
    skipped = len(by_item) - len(single)
    classes = sorted({row.target for row in single})
    index = {name: i for i, name in enumerate(classes)}
    val_splits = set(selection.val_splits)

    def split_of(row: repository.Candidate) -> str:
        return row.split if row.split is not None else "none"

    train = [(r.item_id, r.sha256, index[r.target]) for r in single if split_of(r) not in val_splits]
    val = [(r.item_id, r.sha256, index[r.target]) for r in single if split_of(r) in val_splits]
    if not val and selection.val_fraction > 0 and len(train) >= 4:
        held = [row for row in train if _held_out(row[0], seed, selection.val_fraction)]
        if held and len(held) < len(train):
            kept = set(held)
            val = held
            train = [row for row in train if row not in kept]
    return Snapshot(classes=classes, train=train, val=val, skipped_multi=skipped)
