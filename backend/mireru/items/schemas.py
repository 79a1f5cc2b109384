"""Item shapes, and the filter that item listing, search and training datasets share."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Split = Literal["train", "val", "test"]
MetadataValue = str | int | float | bool


class NumericRange(BaseModel):
    """Bounds on one measurement; any side may be left open."""

    gte: float | None = None
    lte: float | None = None
    gt: float | None = None
    lt: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> "NumericRange":
        if self.gte is None and self.lte is None and self.gt is None and self.lt is None:
            raise ValueError("a measurement range needs at least one of gte, lte, gt, lt")
        return self


class ItemFilter(BaseModel):
    """Which items: every given condition must hold."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=200, description="has this class label")
    keyword: str | None = Field(default=None, max_length=200, description="has this keyword")
    identity: str | None = Field(default=None, max_length=200)
    split: Split | Literal["none"] | None = Field(default=None, description='"none": items with no split')
    annotated: bool | None = Field(
        default=None, description="true: has any label, keyword, box or identity; false: none"
    )
    text: str | None = Field(default=None, max_length=500, description="text contains (case-insensitive)")
    metadata: dict[str, MetadataValue] = Field(default_factory=dict, description="metadata key equals value")
    measurements: dict[str, NumericRange] = Field(
        default_factory=dict, description='numeric range per measurement, e.g. {"strain": {"gte": 0.1}}'
    )
    pending_suggestions: bool | None = Field(
        default=None, description="true: has a model's suggestion waiting for review; false: none waiting"
    )
    crop: bool | None = Field(
        default=None, description="true: a crop a detector cut from another item; false: not a crop"
    )
    source_item_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="crops cut from this item (by its id)"
    )


class BoxRead(BaseModel):
    id: int
    label: str
    x: float
    y: float
    w: float
    h: float


class ItemRead(BaseModel):
    id: int
    project_id: int
    filename: str
    sha256: str
    media_type: str
    width: int
    height: int
    size_bytes: int
    metadata: dict[str, Any]
    measurements: dict[str, float]
    text: str | None
    split: Split | None
    identity: str | None
    labels: list[str]
    keywords: list[str]
    boxes: list[BoxRead]
    source_item_id: int | None = Field(
        default=None, description="for a crop made by a detector: the item it was cut from"
    )
    source_box: dict[str, Any] | None = Field(
        default=None, description="for a crop: the detection (x, y, w, h, label, score, model_id)"
    )
    created_at: datetime
    updated_at: datetime
    image_url: str
    thumbnail_url: str


class ItemList(BaseModel):
    items: list[ItemRead]
    total: int
    limit: int
    offset: int


class UploadedItem(ItemRead):
    duplicate: bool = Field(description="true if this image was already in the project (same sha256)")


class UploadResult(BaseModel):
    items: list[UploadedItem]


class ItemUpdate(BaseModel):
    """Change an item's descriptive data; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    filename: str | None = Field(default=None, min_length=1, max_length=500)
    metadata: dict[str, Any] | None = None
    measurements: dict[str, float] | None = None
    text: str | None = Field(default=None, max_length=100_000)


class BulkDelete(BaseModel):
    item_ids: list[int] = Field(min_length=1, max_length=10_000)


class BulkDeleted(BaseModel):
    deleted: int


class ReadingRange(BaseModel):
    name: str
    count: int
    min: float
    max: float


class KeyCount(BaseModel):
    name: str
    count: int


class Fields(BaseModel):
    """What the project's items carry, so filter forms can offer real keys and ranges."""

    metadata: list[KeyCount]
    measurements: list[ReadingRange]


class Neighbours(BaseModel):
    """An item's place in a filtered listing (upload order), for next/previous navigation."""

    previous: int | None
    next: int | None
    index: int = Field(description="0-based position among the matching items")
    total: int
