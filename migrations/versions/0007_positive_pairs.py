"""explicit positive pairs between items (for metric-learning kinds)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "positive_pairs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id", sa.Integer(), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_a_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_b_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("item_a_id", "item_b_id", name="uq_positive_pairs_items"),
        sa.CheckConstraint("item_a_id < item_b_id", name="ck_positive_pairs_order"),
    )
    op.create_index("ix_positive_pairs_project_id", "positive_pairs", ["project_id", "id"])
    op.create_index("ix_positive_pairs_item_b_id", "positive_pairs", ["item_b_id"])


def downgrade() -> None:
    op.drop_table("positive_pairs")
