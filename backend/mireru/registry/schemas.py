"""Model registry shapes."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class GateFigure(BaseModel):
    name: str = Field(
        description='the metric: "recall@1", "map@r", "accuracy", "macro_f1", "map50", "f1@3"...'
    )
    label: str = Field(description='how people write it: "Recall@1", "mAP@R", "macro-F1"...')
    candidate: float = Field(description="the version being deployed")
    deployed: float = Field(description="what the slot serves now")


class DeployGate(BaseModel):
    """The comparison a deploy makes before replacing what a slot serves."""

    outcome: Literal["passed", "worse", "forced", "skipped"] = Field(
        description="passed: the candidate scores at least as well on the primary metric; worse: "
        "it scores lower (a deploy answers 409 unless forced); forced: worse, deployed anyway with "
        "force: true; skipped: nothing to compare (nothing deployed, no held-out items), see reason"
    )
    reason: str = Field(description="the comparison, or why it was skipped, in words")
    slot: str
    metric: str | None = Field(default=None, description="the primary metric (the first of figures)")
    candidate: float | None = Field(default=None, description="the candidate's primary metric")
    deployed: float | None = Field(default=None, description="the deployed side's primary metric")
    figures: list[GateFigure] = Field(default_factory=list, description="every metric, primary first")
    split: Literal["test", "val"] | None = Field(
        default=None, description="the held-out split scored: test when it has usable items, else val"
    )
    held_out_items: int = Field(default=0, description="held-out items both sides were scored on")
    gallery_items: int | None = Field(
        default=None, description="embeddings: training items the held-out queries were ranked against"
    )
    capped: bool = Field(
        default=False,
        description="the split or the gallery was larger than its cap, so an evenly spread sample was "
        "scored (caps: 200 held-out items, 50 for detectors; 1000 gallery items)",
    )
    compared_with: str | None = Field(
        default=None, description="what the candidate was compared with, in words"
    )
    deployed_model_version_id: int | None = Field(
        default=None, description="the deployed version compared with (null for a pretrained space)"
    )
    deployed_space_id: int | None = Field(
        default=None, description="embeddings: the active embedding space compared with"
    )


class DeployRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: bool = Field(
        default=False, description="deploy even when the version scores worse than what it replaces"
    )


class DeploymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slot: str = Field(description='"embedding" (search) or the prediction kind ("classifier", ...)')
    model_version_id: int
    active: bool
    status: Literal["live", "reembedding"] = Field(
        description="live: in use now; reembedding: search switches once the new space is built"
    )
    reembed_job_id: str | None
    replaced_id: int | None = Field(description="the deployment that was active before this one")
    rollback_of: int | None = Field(description="the deployment this one rolled back, if any")
    created_at: datetime
    retired_at: datetime | None
    gate: DeployGate | None = Field(
        default=None,
        description="only in the deploy response: the deploy gate's comparison (a passed or forced "
        "gate's figures also stay in the version's metrics under gate/*)",
    )


class ModelVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    version: int = Field(description="1, 2, 3... per project")
    run_id: int | None = Field(description="the training run that made it (null once that run is gone)")
    kind: str
    produces: Literal["embedding", "prediction"]
    base_model: str
    config: dict[str, Any] = Field(description="the run's parameters and the model's own settings")
    metrics: dict[str, float] = Field(description="validation metrics of the kept weights")
    file_sha256: str
    size_bytes: int
    deployed: bool = Field(default=False, description="the active version of its slot")
    deployment: DeploymentRead | None = Field(default=None, description="its active deployment, if deployed")
    download_url: str = ""
    created_at: datetime


class ModelVersionList(BaseModel):
    models: list[ModelVersionRead]
    total: int


class MetricRow(BaseModel):
    name: str
    values: dict[str, float | None] = Field(description="model version id -> value (null: not measured)")
    higher_is_better: bool
    best_model_id: int | None


class ModelComparison(BaseModel):
    models: list[ModelVersionRead]
    metrics: list[MetricRow]
