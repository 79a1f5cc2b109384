"""The `classifier` kind: an image backbone and a head over the project's label classes, optionally
fused with the items' numeric measurements (sensor readings).

Its versions produce predictions: deploying one makes it what the classify endpoint and batch
prediction jobs use.
"""

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field, field_validator

from mireru.kinds.base import BackboneParams, KindSpec, Target, TrainingData, backbone_presets

if TYPE_CHECKING:
    from mireru.ml.classify.inference import ClassifierPredictor
    from mireru.ml.classify.records import ClassifierRecord
    from mireru.ml.train.task import TrainTask

MAX_MEASUREMENT_KEYS = 64


class ClassifierParams(BackboneParams):
    """Train an image classifier over the label classes (+ chosen measurements)."""

    model_config = ConfigDict(extra="forbid", title="classifier parameters")

    measurement_keys: list[str] = Field(
        default=[],  # pydantic copies it per instance; a literal default shows in the schema
        max_length=MAX_MEASUREMENT_KEYS,
        description="Item measurements (sensor readings) fed to the model beside the image, "
        "normalised with the training set's statistics; missing readings are imputed. Empty: "
        "image only.",
        examples=[[], ["temperature_c", "humidity_pct"]],
    )
    class_weighting: Literal["none", "balanced"] = Field(
        default="none", description="balanced: weight the loss of each class by its inverse frequency."
    )
    sampler: Literal["shuffle", "balanced"] = Field(
        default="shuffle",
        description="balanced: draw each epoch's examples so that every class appears equally often.",
    )
    augmentation: Literal["inspection", "natural", "light", "none"] = Field(
        default="inspection",
        description="inspection (the default, for the top-down views of parts and surfaces Mireru "
        "is mostly used on, where orientation carries no meaning): flips both ways, 90-degree "
        "rotations, colour jitter, small affine; natural: random crop, horizontal flip, colour "
        "jitter (photos); light: small affine only (digits, text); none.",
    )
    dropout: float = Field(default=0.2, ge=0, lt=1, description="Dropout before the classification head.")

    @field_validator("measurement_keys")
    @classmethod
    def _distinct_keys(cls, value: list[str]) -> list[str]:
        if any(not key.strip() or len(key) > 100 for key in value):
            raise ValueError("measurement keys must be non-empty names of at most 100 characters")
        if len(set(value)) != len(value):
            raise ValueError("measurement keys must be distinct")
        return value


def _target(params: ClassifierParams) -> Target:
    return "label"


def _has_reading(extra: dict[str, Any], key: str) -> bool:
    value = (extra.get("measurements") or {}).get(key)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_measurement_keys(keys: Sequence[str], extras: Sequence[dict[str, Any]]) -> None:
    """Every chosen key must be read on at least one training item; otherwise the run would learn
    from a constant, which is a mistake in the parameters (a typo, a key of another project)."""
    if not keys:
        return
    absent = [key for key in keys if not any(_has_reading(extra, key) for extra in extras)]
    if not absent:
        return
    seen = sorted({key for extra in extras for key in (extra.get("measurements") or {})})
    shown = ", ".join(seen[:20]) + (", ..." if len(seen) > 20 else "") if seen else "none"
    raise ValueError(
        f"measurement_keys {absent} are on none of the {len(extras)} training items; "
        f"the items have these measurement keys: {shown}"
    )


def _records(
    items: list[tuple[str, int]], extras: list[dict[str, Any]], keys: Sequence[str]
) -> list["ClassifierRecord"]:
    from mireru.ml.classify.records import ClassifierRecord, measurement_vector

    if keys and len(extras) != len(items):
        raise ValueError("the dataset snapshot has no measurements; start a new run to take them")
    readings = [extra.get("measurements") for extra in extras] if keys else [None] * len(items)
    return [
        ClassifierRecord(path, target, measurement_vector(reading, keys))
        for (path, target), reading in zip(items, readings, strict=True)
    ]


def _build_task(params: ClassifierParams, data: TrainingData) -> "TrainTask":
    from mireru.ml.classify.task import ClassifierConfig, ClassifierTask

    keys = tuple(params.measurement_keys)
    if keys and len(data.train_extras) == len(data.train):
        check_measurement_keys(keys, data.train_extras)
    config = ClassifierConfig(
        base_model=params.base_model,
        image_size=params.image_size,
        classes=tuple(data.classes),
        measurement_keys=keys,
        class_weighting=params.class_weighting,
        sampler=params.sampler,
        augmentation=params.augmentation,
        backbone_lr_scale=params.backbone_lr_scale,
        dropout=params.dropout,
    )
    train = _records(data.train, data.train_extras, keys)
    val = _records(data.val, data.val_extras, keys)
    return ClassifierTask(config, train, val)


def _load(path: Path, device: str) -> "ClassifierPredictor":
    from mireru.ml.classify.inference import ClassifierPredictor

    return ClassifierPredictor(path, device).load()


def _load_any(path: Path, device: str) -> Any:
    return _load(path, device)


SPEC = KindSpec(
    kind="classifier",
    title="Classifier (labels from images and measurements)",
    description="Trains an image backbone and a head over the project's label classes, optionally "
    "fused with chosen measurements (sensor readings); deploying a version serves classify "
    "predictions and batch label suggestions.",
    produces="prediction",
    params_model=ClassifierParams,
    target=_target,
    build_task=_build_task,
    load_inference=_load_any,
    presets=backbone_presets(),
)
