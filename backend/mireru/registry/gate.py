"""The deploy gate: before a version replaces what its slot serves, both are scored on the same
held-out items with the kind's primary metric; `registry.service` refuses a worse candidate
unless the deploy is forced.

Measuring needs higher layers (the active embedding space and its extractor for versions that
produce embeddings, loaded predictors for the others), so the measures install themselves here
at start-up (`mireru.listeners`), the way the retrieval engine installs itself in
`registry.reembed`: one provider per kind of output, whose answer the deploy needs.

This module keeps what every measure shares: the caps that bound a request-time evaluation, the
held-out split (`test`, else `val`) and the deterministic sample of items when a split is larger
than a cap, so a check and the deploy that follows it score the same items.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.models import ModelVersion, Project
from mireru.storage import BlobStore

# Request-time bounds: each scored image is a forward pass of both models on the API's device
# (the CPU by default), so these keep a check to seconds even on large projects.
MAX_QUERIES = 200  # held-out items scored (queries, for embeddings)
MAX_DETECTOR_QUERIES = 50  # detectors are the slowest forward pass of the kinds
MAX_GALLERY = 1000  # training items the embedding queries are ranked against
HeldOutSplit = Literal["test", "val"]
HELD_OUT_SPLITS: tuple[HeldOutSplit, ...] = ("test", "val")  # the first with usable items is scored
GALLERY_SPLITS = ("train", "none")  # what training learns from: not held out


class SkipGate(Exception):
    """Nothing to compare with (nothing deployed, no held-out items...): the deploy goes through,
    and the message says why the gate was skipped."""


@dataclass(frozen=True)
class Figure:
    """One metric on both sides; higher is better for every metric the gate uses."""

    name: str  # "recall@1", "macro_f1", ...
    label: str  # how people write it: "Recall@1", "macro-F1", ...
    candidate: float
    deployed: float


@dataclass(frozen=True)
class Measurement:
    """Both sides scored on exactly the same items; `figures[0]` is the primary metric."""

    figures: list[Figure]
    split: HeldOutSplit
    held_out_items: int
    compared_with: str  # "the deployed version 2", "the active space 'MobileNetV2 (ImageNet)'"
    gallery_items: int | None = None
    deployed_model_version_id: int | None = None
    deployed_space_id: int | None = None
    capped: bool = False  # a split or the gallery was larger than its cap: a sample was scored


Measure = Callable[[Session, Settings, BlobStore, Project, ModelVersion], Measurement]

_measures: dict[str, Measure] = {}


def install_measure(produces: str, measure: Measure) -> None:
    """Make `measure` the one that scores versions producing `produces` ("embedding" or
    "prediction") against what their slot serves; it raises SkipGate when there is nothing to
    compare."""
    _measures[produces] = measure


def measure_for(produces: str) -> Measure | None:
    return _measures.get(produces)


def spread(ids: Sequence[int], cap: int) -> list[int]:
    """At most `cap` of the ids, evenly spread over them in id order: deterministic (a check and
    its deploy score the same items) and not biased towards the oldest items."""
    ordered = sorted(set(ids))
    if len(ordered) <= cap:
        return ordered
    step = len(ordered) / cap
    return [ordered[int(i * step)] for i in range(cap)]


def held_out(
    by_split: Mapping[HeldOutSplit, Sequence[int]], cap: int, what: str
) -> tuple[HeldOutSplit, list[int]]:
    """The split scored (`test` when it has usable items, else `val`) and its items, capped.
    `what` says what makes an item usable, for the reason when neither split has one."""
    for split in HELD_OUT_SPLITS:
        ids = by_split.get(split) or []
        if ids:
            return split, spread(ids, cap)
    raise SkipGate(f"no held-out items (split test or val) {what}; mark some items as test or val")
