"""Annotation shapes."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mireru.items.schemas import Split

ShortText = Field(min_length=1, max_length=200)


class BoxIn(BaseModel):
    """A box in pixels of the original image: (x, y) is the top-left corner."""

    label: str = ShortText
    x: float = Field(ge=0)
    y: float = Field(ge=0)
    w: float = Field(gt=0)
    h: float = Field(gt=0)

    @field_validator("label")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a box needs a label")
        return value


class AnnotationsPut(BaseModel):
    """The item's complete annotations: whatever is not given is cleared."""

    model_config = ConfigDict(extra="forbid")

    labels: list[str] = Field(default_factory=list, max_length=1000)
    keywords: list[str] = Field(default_factory=list, max_length=1000)
    identity: str | None = Field(default=None, max_length=200)
    split: Split | None = None
    boxes: list[BoxIn] = Field(default_factory=list, max_length=5000)

    @field_validator("labels", "keywords")
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        return clean_terms(values)


class AnnotationsPatch(BaseModel):
    """Change only the annotations given; `add_*` / `remove_*` adjust lists without replacing."""

    model_config = ConfigDict(extra="forbid")

    labels: list[str] | None = Field(default=None, max_length=1000)
    keywords: list[str] | None = Field(default=None, max_length=1000)
    add_labels: list[str] = Field(default_factory=list, max_length=1000)
    remove_labels: list[str] = Field(default_factory=list, max_length=1000)
    add_keywords: list[str] = Field(default_factory=list, max_length=1000)
    remove_keywords: list[str] = Field(default_factory=list, max_length=1000)
    identity: str | None = Field(default=None, max_length=200)
    split: Split | None = None
    boxes: list[BoxIn] | None = Field(default=None, max_length=5000)

    @field_validator("labels", "keywords", "add_labels", "remove_labels", "add_keywords", "remove_keywords")
    @classmethod
    def _clean(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else clean_terms(values)


class BulkAnnotate(AnnotationsPatch):
    """Apply one patch to many items at once (bulk actions in the dataset grid)."""

    item_ids: list[int] = Field(min_length=1, max_length=10_000)


class BulkResult(BaseModel):
    updated: int


def clean_terms(values: list[str]) -> list[str]:
    """Trim, drop empties and duplicates, keep order; each term at most 200 characters."""
    out: list[str] = []
    for v in values:
        term = v.strip()
        if not term:
            continue
        if len(term) > 200:
            raise ValueError(f"{term[:30]}...: labels and keywords are at most 200 characters")
        if term not in out:
            out.append(term)
    return out


class LabelClassCreate(BaseModel):
    name: str = ShortText
    color: str | None = Field(default=None, max_length=20)


class LabelClassUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    color: str | None = Field(default=None, max_length=20)


class LabelClassRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    color: str | None
    created_at: datetime
    item_count: int = 0


class KeywordCount(BaseModel):
    keyword: str
    count: int


class IdentityCount(BaseModel):
    identity: str
    count: int
