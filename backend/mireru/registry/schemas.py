"""Model registry shapes."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
