"""Embedding spaces (a feature extractor, its dimension, metric and index) and their vectors.

All spaces share one `embeddings` table whose vector columns have no declared dimension; each
space gets a partial expression index (`(vector::vector(512)) ... WHERE space_id = 7`) that its
queries match with the same cast and predicate.
"""

from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import HALFVEC, VECTOR
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mireru.models.base import Base, Timestamped

SPACE_STATUSES = ("queued", "embedding", "indexing", "ready", "failed")
INDEX_KINDS = ("hnsw", "ivfflat", "exact")
METRICS = ("cosine", "l2", "ip")
STORAGES = ("vector", "halfvec")
BACKBONES = ("open_clip", "torchvision", "model_version")


class EmbeddingSpace(Timestamped, Base):
    __tablename__ = "embedding_spaces"
    __table_args__ = (
        # At most one active space per project: the one search answers from.
        Index(
            "uq_embedding_spaces_active_project",
            "project_id",
            unique=True,
            postgresql_where=text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    backbone: Mapped[str] = mapped_column(String(20), nullable=False)
    model: Mapped[str] = mapped_column(String(1000), nullable=False)
    pretrained: Mapped[str | None] = mapped_column(String(1000))
    image_size: Mapped[int | None] = mapped_column(Integer)
    dimension: Mapped[int | None] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(10), nullable=False, default="cosine")
    storage: Mapped[str] = mapped_column(String(10), nullable=False, default="vector")
    index_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    index_params: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    index_name: Mapped[str | None] = mapped_column(String(63))
    index_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    activate_when_ready: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    job_id: Mapped[str | None] = mapped_column(String(64))
    index_job_id: Mapped[str | None] = mapped_column(String(64))


class Embedding(Base):
    """One item's vector in one space: `vector` (float32) or `half` (halfvec storage). The table
    has toast_tuple_target = 8160 (see migration 0002) so vectors stay inline, not in TOAST."""

    __tablename__ = "embeddings"
    __table_args__ = (
        CheckConstraint("num_nonnulls(vector, half) = 1", name="one_vector"),
        Index("ix_embeddings_item_id", "item_id"),
    )

    space_id: Mapped[int] = mapped_column(
        ForeignKey("embedding_spaces.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    vector: Mapped[Any] = mapped_column(VECTOR(), nullable=True)
    half: Mapped[Any] = mapped_column(HALFVEC(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
