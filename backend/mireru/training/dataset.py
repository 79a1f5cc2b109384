"""A run's dataset: the selection resolved once, when the run first starts, into a snapshot of
(item, blob, class) rows kept in the blob store. A retry or resume reads the same snapshot, so it
trains on exactly the items the first attempt did even if annotations changed meanwhile."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mireru.kinds.base import Target, TrainingData
from mireru.training import repository
from mireru.training.positive_pairs import group_targets
from mireru.training.schemas import DatasetSelection

SNAPSHOT_FORMAT = "mireru.dataset/1"
MULTI_VALUED: frozenset[Target] = frozenset({"keyword", "box"})

Row = tuple[int, str, int, dict[str, Any]]  # (item id, blob sha256, class index or -1, extras)


@dataclass
class Snapshot:
    classes: list[str]
    train: list[Row]
    val: list[Row]
    skipped_multi: int = 0
    word_vectors: dict[str, list[float]] | None = None

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "train_items": len(self.train),
            "val_items": len(self.val),
            "classes": len(self.classes),
            "skipped_multi_label": self.skipped_multi,
        }
        if self.word_vectors is not None:
            summary["word_vectors"] = len(self.word_vectors)
        return summary

    def to_json(self) -> bytes:
        body = {
            "format": SNAPSHOT_FORMAT,
            "classes": self.classes,
            "train": self.train,
            "val": self.val,
            "skipped_multi": self.skipped_multi,
            "word_vectors": self.word_vectors,
        }
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Snapshot":
        body = json.loads(data)
        if body.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("not a Mireru dataset snapshot")

        def rows(raw: list[list[Any]]) -> list[Row]:
            # Snapshots written before extras existed have three columns.
            return [(int(r[0]), str(r[1]), int(r[2]), dict(r[3]) if len(r) > 3 else {}) for r in raw]

        return cls(
            classes=list(body["classes"]),
            train=rows(body["train"]),
            val=rows(body["val"]),
            skipped_multi=int(body.get("skipped_multi", 0)),
            word_vectors=body.get("word_vectors"),
        )

    def training_data(self, path_of: Any) -> TrainingData:
        """As the kinds want it: image paths from `path_of(sha256)`."""
        return TrainingData(
            classes=self.classes,
            train=[(str(path_of(sha)), c) for _, sha, c, _ in self.train],
            val=[(str(path_of(sha)), c) for _, sha, c, _ in self.val],
            train_extras=[extra for *_, extra in self.train],
            val_extras=[extra for *_, extra in self.val],
            word_vectors=self.word_vectors,
        )


def _held_out(item_id: int, seed: int, fraction: float) -> bool:
    """A stable pseudo-random choice per item (Knuth's multiplicative hash)."""
    return ((item_id * 2654435761 + seed * 40503) % 2**32) / 2**32 < fraction


def _extras(
    facts: repository.ItemFacts, target: Target, values: list[str], index: dict[str, int]
) -> dict[str, Any]:
    extra: dict[str, Any] = {"measurements": facts.measurements, "width": facts.width, "height": facts.height}
    if target == "keyword":
        extra["keywords"] = sorted(set(values))
    elif target == "box":
        extra["boxes"] = [[x, y, w, h, index[name]] for x, y, w, h, name in facts.boxes]
    return extra


def _with_pairs(
    session: Session,
    project_id: int,
    selection: DatasetSelection,
    chosen: list[list[repository.Candidate]],
    skipped: set[int],
) -> list[list[repository.Candidate]]:
    """The chosen single-target items regrouped by explicit positive pairs (see positive_pairs),
    plus paired items that have no target of their own. Left-out (multi-label) items stay out."""
    splits = [*selection.train_splits, *selection.val_splits]
    pairs = repository.selected_pairs(session, project_id, selection.filters, splits)
    if not pairs:
        return chosen
    targets: dict[int, str | None] = {found[0].item_id: found[0].target for found in chosen}
    sha_split = {found[0].item_id: (found[0].sha256, found[0].split) for found in chosen}
    untargeted = {i for pair in pairs for i in pair} - targets.keys() - skipped
    for item_id, fact in repository.sha_and_split(session, list(untargeted)).items():
        targets[item_id], sha_split[item_id] = None, fact
    groups = group_targets(targets, pairs)
    return [
        [repository.Candidate(item_id, *sha_split[item_id], group)]
        for item_id, group in sorted(groups.items())
    ]


def resolve(
    session: Session,
    project_id: int,
    selection: DatasetSelection,
    target: Target,
    seed: int,
    positive_pairs: bool = False,
) -> Snapshot:
    """Single-valued targets (label, identity) take items with exactly one value: an item with
    several labels is ambiguous for a single-label kind and is left out (and counted).
    Multi-valued targets (keyword, box) take every item with at least one.
    With `positive_pairs`, explicit pairs join single-valued targets into groups."""
    splits = [*selection.train_splits, *selection.val_splits]
    rows = repository.candidates(session, project_id, selection.filters, splits, target)
    by_item: dict[int, list[repository.Candidate]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(row)
    multi = target in MULTI_VALUED
    chosen = [found for found in by_item.values() if multi or len(found) == 1]
    skipped = len(by_item) - len(chosen)
    if positive_pairs and not multi:
        left_out = {item_id for item_id, found in by_item.items() if len(found) > 1}
        chosen = _with_pairs(session, project_id, selection, chosen, left_out)
    classes = sorted({row.target for found in chosen for row in found})
    index = {name: i for i, name in enumerate(classes)}
    facts = repository.item_facts(session, [found[0].item_id for found in chosen], with_boxes=target == "box")
    val_splits = set(selection.val_splits)

    def as_row(found: list[repository.Candidate]) -> Row:
        first = found[0]
        values = [r.target for r in found]
        extra = _extras(facts[first.item_id], target, values, index)
        return (first.item_id, first.sha256, -1 if multi else index[first.target], extra)

    def split_of(row: repository.Candidate) -> str:
        return row.split if row.split is not None else "none"

    train = [as_row(found) for found in chosen if split_of(found[0]) not in val_splits]
    val = [as_row(found) for found in chosen if split_of(found[0]) in val_splits]
    if not val and selection.val_fraction > 0 and len(train) >= 4:
        held = [row for row in train if _held_out(row[0], seed, selection.val_fraction)]
        if held and len(held) < len(train):
            kept = {row[0] for row in held}
            val = held
            train = [row for row in train if row[0] not in kept]
    return Snapshot(classes=classes, train=train, val=val, skipped_multi=skipped)
