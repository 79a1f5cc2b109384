"""A project's annotated images as a metric-learning bench dataset: each item's identity, or its
label when it has no identity (items with several labels are left out). Items in split "test" are
the test set and "val" the validation set; when a project has none in one of them, a stable share
of the training items stands in (25% for test, 15% for val)."""

from sqlalchemy.orm import Session

from mireru.bench.metric_datasets import BenchDataset, Split
from mireru.items.schemas import ItemFilter
from mireru.storage import BlobStore
from mireru.training import repository


def _bucket(item_id: int, seed: int) -> float:
    """A stable pseudo-random number in [0, 1) per item (Knuth's multiplicative hash)."""
    return ((item_id * 2654435761 + seed * 40503) % 2**32) / 2**32


def project_dataset(session: Session, blobs: BlobStore, project_id: int, seed: int = 0) -> BenchDataset:
    rows = repository.candidates(
        session, project_id, ItemFilter(), ["train", "val", "test", "none"], "identity_or_label"
    )
    by_item: dict[int, list[repository.Candidate]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(row)
    single = [found[0] for found in by_item.values() if len(found) == 1]
    classes = sorted({row.target for row in single})
    if len(classes) < 2:
        raise ValueError(f"project {project_id} has {len(classes)} identities or labels; the bench needs 2+")
    index = {name: i for i, name in enumerate(classes)}
    has = {row.split for row in single}
    splits: dict[str, Split] = {"train": [], "val": [], "test": []}
    for row in single:
        split = row.split if row.split in ("val", "test") else "train"
        if split == "train":
            u = _bucket(row.item_id, seed)
            if "test" not in has and u < 0.25:
                split = "test"
            elif "val" not in has and 0.25 <= u < 0.40:
                split = "val"
        splits[split].append((str(blobs.path(row.sha256)), index[row.target]))
    return BenchDataset(f"project {project_id}", classes, splits["train"], splits["val"], splits["test"])
