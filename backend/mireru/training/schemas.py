"""Training shapes seen by clients."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mireru.items.schemas import ItemFilter

SplitName = Literal["train", "val", "test", "none"]
RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class PresetRead(BaseModel):
    """A named set of parameters a run can start from (`preset` in POST .../training-runs)."""

    name: str = Field(examples=["fast"])
    description: str
    params: dict[str, Any] = Field(
        description="the parameters it sets; the rest keep the schema's defaults",
        examples=[{"image_size": 128, "epochs": 3}],
    )


class KindRead(BaseModel):
    kind: str
    title: str
    description: str
    produces: Literal["embedding", "prediction"] = Field(
        description="embedding: its versions feed a search space; prediction: the prediction endpoints"
    )
    params_schema: dict[str, Any] = Field(description="JSON Schema of `params`, with defaults")
    presets: list[PresetRead] = Field(
        description="Named alternatives to the defaults (fast, accurate); the defaults themselves "
        "are the schema's, used when a run names no preset"
    )
    min_val_items: int = Field(description="validation items a run's selection needs at least")


class DatasetSelection(BaseModel):
    """Which items train and which validate: the item-listing filters, then the split."""

    model_config = ConfigDict(extra="forbid")

    filters: ItemFilter = Field(default_factory=ItemFilter, description="as in item listing")
    train_splits: list[SplitName] = Field(
        default=["train", "none"], min_length=1, description='"none": items with no split'
    )
    val_splits: list[SplitName] = Field(default=["val"])
    val_fraction: float = Field(
        default=0.2,
        ge=0,
        le=0.5,
        description="when no selected item is in val_splits, hold out this share of the training items",
    )

    @model_validator(mode="after")
    def _disjoint(self) -> "DatasetSelection":
        both = set(self.train_splits) & set(self.val_splits)
        if both:
            raise ValueError(f"splits {sorted(both)} are in both train_splits and val_splits")
        return self


class TrainingRunCreate(BaseModel):
    """Start a run: a kind, its parameters (see GET /training/kinds) and a dataset selection."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=50, examples=["embedding"])
    preset: str | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="A preset of the kind (see `presets` in GET /training/kinds): its parameters "
        "apply under `params`, so a value set in `params` wins. None: the schema's defaults. An "
        "unknown name is a 422 naming the known ones.",
        examples=["fast"],
    )
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"epochs": 5}])
    dataset: DatasetSelection = Field(default_factory=DatasetSelection)


class PreflightCounts(BaseModel):
    """What a selection holds for a kind. Fields that do not apply to the kind are null."""

    selected_items: int = Field(description="items the filters and splits select, with a target or not")
    items: int = Field(description="selected items the run would learn from (they have its target)")
    train_items: int
    val_items: int = Field(description="from the validation splits, or else the held-out share")
    classes: int = Field(
        description="distinct targets among them: classes, identities, keywords, box labels, or "
        "groups joined by positive pairs"
    )
    skipped_multi_label: int = Field(
        default=0, description="items left out because they have several values of a one-value target"
    )
    min_classes: int = Field(description="distinct targets the kind needs")
    min_val_items: int = Field(description="validation items the kind needs")
    boxes: int | None = Field(default=None, description="detector: boxes on the selected items")
    labelled_items: int | None = Field(default=None, description="selected items with a class label")
    identities: int | None = Field(default=None, description="distinct identities on the selected items")
    pairs: int | None = Field(
        default=None, description="triplet with use_positive_pairs: explicit pairs between selected items"
    )
    keywords_with_vectors: int | None = Field(
        default=None, description="keywords: of the distinct keywords, those the active word model has"
    )


class PreflightProblem(BaseModel):
    code: Literal[
        "no_items",
        "too_few_classes",
        "no_train_items",
        "too_few_val_items",
        "no_word_model",
        "no_word_vectors",
        "missing_measurement_keys",
    ]
    message: str = Field(description="what is missing, and what to add")
    field: str | None = Field(
        description="the request field to change (dataset, params.<name>); null when the fix is "
        "elsewhere in the project (a word model)"
    )


class TrainingPreflight(BaseModel):
    """Whether a run with this body could train, with the counts it was judged on."""

    ok: bool = Field(description="true when there is no problem: starting the run would be accepted")
    kind: str
    counts: PreflightCounts
    problems: list[PreflightProblem]


class MetricPoint(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    value: float
    step: int
    epoch: int
    attempt: int
    created_at: datetime


class LogLine(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    level: str
    message: str
    attempt: int
    created_at: datetime


class TrainingRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    job_id: str | None
    kind: str
    base_model: str
    params: dict[str, Any] = Field(description="validated, with defaults filled in")
    dataset: dict[str, Any]
    dataset_summary: dict[str, Any] = Field(description="items and classes the run trains on")
    status: RunStatus
    progress: dict[str, Any] = Field(
        description="epoch, epochs, step, steps_per_epoch, global_step, total_steps, items_per_s, eta_s, "
        "fraction"
    )
    metrics: dict[str, float] = Field(description="the latest value of each metric")
    attempt: int = Field(description="1, or more when a worker died and the run was retried")
    max_attempts: int
    device: str | None
    amp: str | None
    worker: str | None
    heartbeat_at: datetime | None
    cancel_requested: bool
    checkpoint: dict[str, Any] | None = Field(description="position of the last checkpoint kept")
    error: str | None
    model_version_id: int | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class TrainingRunDetail(TrainingRunRead):
    metric_points: list[MetricPoint] = Field(description="every recorded point, oldest first")
    log_tail: list[LogLine] = Field(description="the last log lines, oldest first")


class TrainingRunList(BaseModel):
    runs: list[TrainingRunRead]
    total: int
    limit: int
    offset: int


class MetricPage(BaseModel):
    points: list[MetricPoint]
    next_after_id: int | None


class LogPage(BaseModel):
    lines: list[LogLine]
    next_after_id: int | None
