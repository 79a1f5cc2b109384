"""Embedding space shapes: the index choice, creation, and what a client sees of a space."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


# --- retrieval evaluation --------------------------------------------------------------------------

EvalSplit = Literal["train", "val", "test", "none"]
EvalTarget = Literal["identity_or_label", "identity", "label"]


class RetrievalEvalRequest(BaseModel):
    """Which items to score the space's stored vectors on, and what makes two items a match."""

    model_config = ConfigDict(extra="forbid")

    splits: list[EvalSplit] = Field(
        default=["val", "test"], min_length=1, description='item splits to evaluate; "none": no split'
    )
    target: EvalTarget = Field(
        default="identity_or_label",
        description="relevant = same identity, same label (items with exactly one), or the identity "
        "where an item has one and its label otherwise",
    )
    ks: list[int] = Field(default=[1, 5, 10], min_length=1, max_length=10, description="K of Recall@K")
    write_to_model_version: bool = Field(
        default=True, description="store the metrics on the model version the space was built from"
    )

    @field_validator("ks")
    @classmethod
    def _positive_ks(cls, value: list[int]) -> list[int]:
        if any(k < 1 or k > 1000 for k in value):
            raise ValueError("every k must be between 1 and 1000")
        return sorted(set(value))


class ClassRetrieval(BaseModel):
    name: str = Field(description="the class label or identity")
    queries: int
    recall: dict[str, float] = Field(description="Recall@K by K")
    precision: dict[str, float] = Field(description="Precision@K by K")
    map_at_r: float


class RetrievalEvaluation(BaseModel):
    """Every evaluated item queries all the others (itself left out) by the space's metric."""

    space_id: int
    model_version_id: int | None = Field(description="the version the space was built from, if any")
    splits: list[EvalSplit]
    target: EvalTarget
    items: int = Field(description="items with a vector and a target in the splits")
    queries: int = Field(description="items scored (they have at least one other item of their target)")
    unanswerable: int = Field(description="items that are the only one of their target (not scored)")
    metrics: dict[str, float] = Field(
        description='"eval/recall@K", "eval/precision@K" and "eval/map@r", as written to the model version'
    )
    per_class: list[ClassRetrieval]
    written_to_model_version: bool
