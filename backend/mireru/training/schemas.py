"""Training shapes seen by clients."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mireru.items.schemas import ItemFilter

SplitName = Literal["train", "val", "test", "none"]
RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class KindRead(BaseModel):
    kind: str
    title: str
    description: str
    produces: Literal["embedding", "prediction"] = Field(
        description="embedding: its versions feed a search space; prediction: the prediction endpoints"
    )
    params_schema: dict[str, Any] = Field(description="JSON Schema of `params`, with defaults")


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
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"epochs": 5, "base_model": "tiny-cnn"}])
    dataset: DatasetSelection = Field(default_factory=DatasetSelection)


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
