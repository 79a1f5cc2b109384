"""Word model and word query shapes, and searching items by words."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mireru.ml.words.vector_files import MAX_DIMENSION

VectorFormat = Literal["word2vec-text", "word2vec-binary", "glove", "keyedvectors"]
How = Literal["word", "phrase-token", "mean", "vector"]

PHRASE_RULE = (
    "Phrase rule: a word or phrase is looked up as given, then lower-cased; a multi-word phrase "
    '("fatigue crack") is looked up joined with "_" ("fatigue_crack", as gensim phrases and keyword '
    "training write it); failing that its vector is the mean of the unit vectors of its words that are "
    "in the vocabulary, re-normalised. When no word is known the answer is 422 naming the words."
)


class Word2VecParams(BaseModel):
    """Training a word2vec model (gensim) on the project's text and an optional corpus file."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    vector_size: int = Field(default=64, ge=2, le=1000, description="dimension of the word vectors")
    window: int = Field(default=5, ge=1, le=50, description="context words on each side")
    min_count: int = Field(default=2, ge=1, le=1000, description="ignore words rarer than this")
    epochs: int = Field(default=10, ge=1, le=200)
    sg: bool = Field(default=True, description="skip-gram (true) or CBOW (false)")
    include_items: bool = Field(
        default=True, description="train on the items' keywords, metadata strings and text"
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    activate: bool = Field(
        default=True, description="become the project's active word model once ready (default: yes)"
    )


class WordModelRead(BaseModel):
    id: int
    project_id: int
    name: str
    source: Literal["trained", "imported"]
    dimension: int | None
    status: str = Field(description="queued, running, ready or failed")
    params: dict[str, Any]
    stats: dict[str, Any] = Field(description="words stored, words skipped and why, corpus size")
    active: bool = Field(description="word queries and search by words use this model")
    job_id: str | None = Field(description="the training or import job; follow it at /api/v1/jobs/{id}")
    progress: dict[str, Any] | None = Field(description="the running job's progress")
    error: str | None
    created_at: datetime
    updated_at: datetime


class WordModelList(BaseModel):
    models: list[WordModelRead]
    active_word_model_id: int | None


class WordScore(BaseModel):
    word: str
    score: float = Field(description="cosine similarity to the query, higher is better")
    count: int = Field(description="occurrences in the training corpus (0 when the file had none)")


class Resolution(BaseModel):
    """How a query text became a vector (see the phrase rule)."""

    text: str
    how: How
    used: list[str] = Field(description="the vocabulary entries whose vectors were used")
    missing: list[str] = Field(default_factory=list, description="words of a phrase not in the vocabulary")


class WordNeighbours(BaseModel):
    word_model_id: int
    query: Resolution
    neighbours: list[WordScore]


class WordSearchRequest(BaseModel):
    """Exactly one of word, phrase, vector."""

    model_config = ConfigDict(extra="forbid")

    word: str | None = Field(default=None, min_length=1, max_length=200)
    phrase: str | None = Field(default=None, min_length=1, max_length=500)
    vector: list[float] | None = Field(default=None, min_length=1, max_length=MAX_DIMENSION)
    k: int = Field(default=10, ge=1, le=1000)

    @model_validator(mode="after")
    def _one_query(self) -> "WordSearchRequest":
        given = [name for name in ("word", "phrase", "vector") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of word, phrase, vector (got {', '.join(given) or 'none'})")
        return self


class WordCount(BaseModel):
    word: str
    count: int


class WordList(BaseModel):
    word_model_id: int
    words: list[WordCount]
