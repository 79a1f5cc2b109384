"""Request and response shapes of the prediction routes and of suggestions."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mireru.items.schemas import ItemFilter

PredictKind = Literal["classifier", "detector", "keywords"]


class ModelUsed(BaseModel):
    """Which model version answered."""

    model_id: int
    version: int
    kind: str


class ClassScore(BaseModel):
    label: str
    probability: float


class ClassifyResponse(BaseModel):
    model: ModelUsed
    item_id: int | None
    classes: list[ClassScore] = Field(description="best first")
    measurements_used: dict[str, float | None] = Field(
        description="the readings the model fused with the image (null: missing, imputed)"
    )


class DetectedBox(BaseModel):
    label: str
    score: float
    x: float = Field(description="left edge in pixels of the original image")
    y: float = Field(description="top edge in pixels of the original image")
    w: float
    h: float


class DetectResponse(BaseModel):
    model: ModelUsed
    item_id: int | None
    width: int
    height: int
    boxes: list[DetectedBox] = Field(description="best first")


class KeywordScore(BaseModel):
    word: str
    score: float = Field(description="cosine similarity of a model output to the word's vector")


class KeywordsResponse(BaseModel):
    model: ModelUsed
    item_id: int | None
    keywords: list[KeywordScore] = Field(description="best first; as many as the model found")


class BatchPredictRequest(BaseModel):
    """Predict over a filtered set of items and store the results as pending suggestions."""

    model_config = ConfigDict(extra="forbid")

    kind: PredictKind
    filters: ItemFilter = Field(default_factory=ItemFilter, description="as in item listing")
    item_ids: list[int] | None = Field(
        default=None, max_length=100_000, description="only these items (a selection), within the filters"
    )
    model_id: int | None = Field(
        default=None, description="a version of this kind; default: the deployed one"
    )
    top_k: int = Field(default=1, ge=1, le=20, description="classifier: classes suggested per item")
    min_score: float = Field(default=0.5, ge=0, le=1, description="suggest only at or above this score")
    limit: int = Field(default=10_000, ge=1, le=1_000_000, description="at most this many items")


class CropRequest(BaseModel):
    """Detect-then-retrieve: run a detector over items and store every detection as a new item
    (a crop linked to its source), embedded like uploads so it can be searched."""

    model_config = ConfigDict(extra="forbid")

    filters: ItemFilter = Field(default_factory=ItemFilter, description="which source items")
    item_ids: list[int] | None = Field(
        default=None, max_length=100_000, description="only these items (a selection), within the filters"
    )
    model_id: int | None = Field(default=None, description="a detector version; default: the deployed one")
    labels: list[str] = Field(default_factory=list, description="keep only these classes (empty: all)")
    score_threshold: float = Field(default=0.5, ge=0, le=1)
    min_size: int = Field(default=8, ge=1, le=4096, description="skip boxes narrower or lower than this")
    padding: float = Field(default=0.05, ge=0, le=1, description="widen each box by this share per side")
    limit: int = Field(default=10_000, ge=1, le=1_000_000, description="at most this many source items")


class SuggestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    kind: Literal["label", "keyword", "box"]
    value: str
    score: float
    x: float | None
    y: float | None
    w: float | None
    h: float | None
    model_version_id: int | None
    status: Literal["pending", "accepted", "rejected"]
    created_at: datetime
    decided_at: datetime | None


class SuggestionList(BaseModel):
    suggestions: list[SuggestionRead]
    total: int
    limit: int
    offset: int


class SuggestionReview(BaseModel):
    """Accept (the suggestion becomes an annotation of its item) or reject suggestions."""

    model_config = ConfigDict(extra="forbid")

    accept: list[int] = Field(default_factory=list, max_length=10_000)
    reject: list[int] = Field(default_factory=list, max_length=10_000)


class SuggestionReviewResult(BaseModel):
    accepted: int
    rejected: int
