"""Positive-pair shapes."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mireru.deps import MAX_DB_ID

ItemId = Field(ge=1, le=MAX_DB_ID)


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: int = ItemId
    b: int = ItemId

    @model_validator(mode="after")
    def _distinct(self) -> "PairIn":
        if self.a == self.b:
            raise ValueError(f"a pair needs two different items (both are {self.a})")
        return self


class PairsCreate(BaseModel):
    """Pairs are unordered: (a, b) and (b, a) are the same pair. Adding an existing pair is not an
    error; it is counted as `existing`."""

    model_config = ConfigDict(extra="forbid")

    pairs: list[PairIn] = Field(min_length=1, max_length=10_000)


class PairsCreated(BaseModel):
    created: int = Field(description="pairs that are new")
    existing: int = Field(description="pairs that were already there (or repeated in the request)")


class PairRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_a_id: int = Field(description="the smaller item id of the pair")
    item_b_id: int
    created_at: datetime


class PairList(BaseModel):
    items: list[PairRead]
    total: int
    limit: int
    offset: int
