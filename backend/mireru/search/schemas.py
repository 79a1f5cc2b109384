"""Search shapes: one query (item, vector, text or image), k, filters; results best first."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mireru.items.schemas import ItemFilter
from mireru.words.schemas import Resolution


class SearchOptions(BaseModel):
    """Everything but the query itself (shared by JSON and image searches)."""

    model_config = ConfigDict(extra="forbid")

    k: int = Field(default=10, ge=1, le=1000, description="how many items to return")
    space_id: int | None = Field(default=None, description="default: the project's active space")
    filters: ItemFilter = Field(default_factory=ItemFilter, description="only items matching all of these")
    exclude_self: bool = Field(default=False, description="for an item query: leave the item itself out")
    ef_search: int | None = Field(default=None, ge=1, le=1000, description="HNSW: override the space default")
    probes: int | None = Field(
        default=None, ge=1, le=32768, description="IVFFlat: override the space default"
    )
    exact: bool = Field(default=False, description="compare with every vector (slow; the recall reference)")


class SearchRequest(SearchOptions):
    """Exactly one of item_id, vector, text."""

    item_id: int | None = Field(default=None, description="items similar to this item")
    vector: list[float] | None = Field(default=None, min_length=1, max_length=4096)
    text: str | None = Field(
        default=None, min_length=1, max_length=1000, description="needs a model with a text tower"
    )

    @model_validator(mode="after")
    def _one_query(self) -> "SearchRequest":
        given = [name for name in ("item_id", "vector", "text") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of item_id, vector, text (got {', '.join(given) or 'none'})")
        return self


class SearchHit(BaseModel):
    item_id: int
    score: float = Field(description="similarity, higher is better (cosine similarity for cosine spaces)")
    distance: float = Field(description="the space metric's distance")
    filename: str
    thumbnail_url: str
    image_url: str


class SearchResponse(BaseModel):
    results: list[SearchHit]
    space_id: int
    k: int
    strategy: Literal["hnsw", "ivfflat", "exact"] = Field(description="how the rows were found")
    exact_fallback: bool = Field(
        description="the approximate scan found fewer than k matches, so the filter was re-ranked exactly"
    )


class ItemWordSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(
        min_length=1, max_length=20, description="words or phrases (phrase rule), also ones no item has"
    )
    k: int = Field(default=10, ge=1, le=1000)
    filters: ItemFilter = Field(default_factory=ItemFilter, description="only items matching all of these")
    combine: Literal["mean", "best"] = Field(
        default="mean",
        description="mean: search with the mean of the words' vectors; best: score each item by the "
        "word it is nearest to",
    )

    @model_validator(mode="after")
    def _non_empty_words(self) -> "ItemWordSearchRequest":
        for word in self.words:
            if not word.strip() or len(word) > 500:
                raise ValueError("every word must be 1 to 500 characters and not blank")
        return self


class ExpandedKeyword(BaseModel):
    keyword: str
    score: float


class ItemWordSearchResponse(BaseModel):
    results: list[SearchHit]
    k: int
    via: Literal["keyword-model", "word-neighbours"] = Field(
        description="keyword-model: nearest output vectors of the deployed keywords model; "
        "word-neighbours: items tagged with the keywords nearest to the words in the word space"
    )
    combine: Literal["mean", "best"]
    word_model_id: int
    model_version_id: int | None = Field(description="the keywords model version (keyword-model path)")
    words: list[Resolution]
    expanded_keywords: list[ExpandedKeyword] = Field(
        default_factory=list, description="word-neighbours path: the nearest keywords used, best first"
    )
    note: str | None = Field(default=None, description="why the fallback path answered, when it did")
