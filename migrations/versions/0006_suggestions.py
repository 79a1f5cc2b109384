"""suggestions from deployed models; items cut from other items (detector crops)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id", sa.Integer(), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("x", sa.Float()),
        sa.Column("y", sa.Float()),
        sa.Column("w", sa.Float()),
        sa.Column("h", sa.Float()),
        sa.Column("model_version_id", sa.Integer(), sa.ForeignKey("model_versions.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('label', 'keyword', 'box')", name="ck_suggestions_kind"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="ck_suggestions_status"),
    )
    op.create_index("ix_suggestions_item_status", "suggestions", ["item_id", "status"])
    op.create_index("ix_suggestions_project_status", "suggestions", ["project_id", "status", "id"])
    op.add_column(
        "items",
        sa.Column("source_item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="SET NULL")),
    )
    op.add_column("items", sa.Column("source_box", postgresql.JSONB(astext_type=sa.Text())))
    op.create_index("ix_items_source_item_id", "items", ["source_item_id"])


def downgrade() -> None:
    op.drop_index("ix_items_source_item_id", table_name="items")
    op.drop_column("items", "source_box")
    op.drop_column("items", "source_item_id")
    op.drop_table("suggestions")
