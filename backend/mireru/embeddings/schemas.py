"""Embedding space shapes: the index choice, creation, and what a client sees of a space."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Metric = Literal["cosine", "l2", "ip"]
Storage = Literal["vector", "halfvec"]


class HnswIndex(BaseModel):
    """Graph index: best recall for the latency; m and ef_construction are fixed at build time,
    ef_search is the per-query default (a search may override it)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["hnsw"] = "hnsw"
    m: int = Field(default=16, ge=2, le=100, description="graph links per node")
    ef_construction: int = Field(default=128, ge=4, le=1000, description="candidate list while building")
    ef_search: int = Field(default=64, ge=1, le=1000, description="candidate list per query (default)")


class IvfflatIndex(BaseModel):
    """Clustering index: fast to build, smaller; recall depends on probes."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["ivfflat"] = "ivfflat"
    lists: int | None = Field(
        default=None, ge=1, le=32768, description="clusters; default rows/1000 (sqrt(rows) over 1M rows)"
    )
    probes: int | None = Field(
        default=None, ge=1, le=32768, description="lists per query; default sqrt(lists)"
    )


class ExactIndex(BaseModel):
    """No vector index: every query compares against every vector (the recall reference)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["exact"] = "exact"


IndexConfig = Annotated[HnswIndex | IvfflatIndex | ExactIndex, Field(discriminator="kind")]


class SpaceCreate(BaseModel):
    """Register a feature extractor for a project; its items are embedded by a job."""

    model_config = ConfigDict(extra="forbid")

    model: str | int = Field(
        description="open_clip name (ViT-B-32, local-dir:<folder>, hf-hub:<repo>), torchvision:<name> "
        "(e.g. torchvision:mobilenet_v2), or a model version id",
        examples=["ViT-B-32", "torchvision:mobilenet_v2"],
    )
    pretrained: str | None = Field(
        default=None,
        max_length=1000,
        description="open_clip pretrained tag, torchvision weights tag (IMAGENET1K_V1) or a local "
        "checkpoint file; null: random init (or the weights a local-dir/hf-hub model carries)",
    )
    index: IndexConfig = Field(default_factory=HnswIndex)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    metric: Metric = "cosine"
    storage: Storage = Field(default="vector", description="halfvec halves table and index size")
    image_size: int | None = Field(default=None, ge=16, le=1024, description="override input resolution")
    activate: bool | None = Field(
        default=None,
        description="make it the project's active space once built; default: only if none is active",
    )


class SpaceRead(BaseModel):
    id: int
    project_id: int
    name: str
    model: str
    backbone: str
    pretrained: str | None
    image_size: int | None
    dimension: int | None
    metric: Metric
    storage: Storage
    index: dict[str, Any] = Field(description="kind and parameters of the index search uses")
    status: str = Field(description="queued, embedding, indexing, ready or failed")
    error: str | None
    item_count: int = Field(description="items embedded in this space")
    active: bool
    activation_pending: bool = Field(description="becomes active as soon as it is ready")
    job_id: str | None = Field(description="the embedding job; follow it at /api/v1/jobs/{id}")
    index_job_id: str | None
    progress: dict[str, Any] | None = Field(description="the running job's progress (rate_per_s, eta_s)")
    created_at: datetime
    updated_at: datetime


class SpaceList(BaseModel):
    spaces: list[SpaceRead]
    active_space_id: int | None
