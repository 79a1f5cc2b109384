"""Word models (word2vec trained on the project's text, or imported vectors), their vocabulary,
and the output vectors of a deployed keywords model per item.

All word models share one `words` table whose vector column has no declared dimension; each
ready model gets a partial expression HNSW index (`(vector::vector(64)) ... WHERE word_model_id =
3`) that its queries match with the same cast and predicate. Vectors are stored L2-normalised.
"""

from typing import Any

from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mireru.models.base import Base, Timestamped

WORD_MODEL_SOURCES = ("trained", "imported")
WORD_MODEL_STATUSES = ("queued", "running", "ready", "failed")
MAX_WORD_LENGTH = 200


class WordModel(Timestamped, Base):
    __tablename__ = "word_models"
    __table_args__ = (
        CheckConstraint("source IN ('trained', 'imported')", name="source"),
        # At most one active word model per project: the one word queries and search use.
        Index("uq_word_models_active_project", "project_id", unique=True, postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    dimension: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    job_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class Word(Base):
    """One vocabulary entry of one word model; `vector` is L2-normalised. The prefix index
    (word_model_id, word text_pattern_ops) is created by migration 0005."""

    __tablename__ = "words"

    word_model_id: Mapped[int] = mapped_column(
        ForeignKey("word_models.id", ondelete="CASCADE"), primary_key=True
    )
    word: Mapped[str] = mapped_column(String(MAX_WORD_LENGTH), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=text("0"))
    vector: Mapped[Any] = mapped_column(VECTOR(), nullable=False)


class ItemKeywordVector(Base):
    """One output vector (slot) of a keywords model version for one item: the outputs whose norm
    is above the model's threshold, L2-normalised; `norm` is the raw output's norm."""

    __tablename__ = "item_keyword_vectors"
    __table_args__ = (Index("ix_item_keyword_vectors_item_id", "item_id"),)

    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    vector: Mapped[Any] = mapped_column(VECTOR(), nullable=False)
    norm: Mapped[float] = mapped_column(Float, nullable=False)
