"""Items: one image with its metadata, numeric sensor readings, free text and split."""

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mireru.models.annotation import Box, ItemKeyword, ItemLabel
from mireru.models.base import Base, Timestamped

SPLITS = ("train", "val", "test")


class Item(Timestamped, Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("project_id", "sha256"),
        Index("ix_items_project_id_id", "project_id", "id"),
        Index("ix_items_metadata", "metadata", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    thumb_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    filename: Mapped[str] = mapped_column(String(500), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, default=dict, nullable=False)
    measurements: Mapped[dict[str, float]] = mapped_column(JSONB, default=dict, nullable=False)
    text: Mapped[str | None] = mapped_column(Text)
    split: Mapped[str | None] = mapped_column(String(10), index=True)
    identity: Mapped[str | None] = mapped_column(String(200), index=True)
    # A crop cut from another item by a detector (detect-then-retrieve): where it came from.
    source_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    source_box: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    labels: Mapped[list[ItemLabel]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )
    keywords: Mapped[list[ItemKeyword]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )
    boxes: Mapped[list[Box]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="Box.id"
    )
