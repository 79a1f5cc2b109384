"""Explicit positive pairs: two items a user says show the same thing, beyond (or without) a shared
identity or label. Metric-learning kinds treat paired items as positives of each other."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from mireru.models.base import Base


class PositivePair(Base):
    __tablename__ = "positive_pairs"
    # Stored once per unordered pair, the smaller item id first.
    __table_args__ = (
        UniqueConstraint("item_a_id", "item_b_id", name="uq_positive_pairs_items"),
        CheckConstraint("item_a_id < item_b_id", name="ck_positive_pairs_order"),
        Index("ix_positive_pairs_project_id", "project_id", "id"),
        Index("ix_positive_pairs_item_b_id", "item_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    item_a_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), nullable=False)
    item_b_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
