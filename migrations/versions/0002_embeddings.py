"""embedding spaces and embeddings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000

One `embeddings` table for every space, with vector columns of no declared dimension; each space's
vector index is a partial expression index created by an index-build job, not here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import HALFVEC, VECTOR
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "embedding_spaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("backbone", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=1000), nullable=False),
        sa.Column("pretrained", sa.String(length=1000), nullable=True),
        sa.Column("image_size", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.Integer(), nullable=True),
        sa.Column("metric", sa.String(length=10), nullable=False),
        sa.Column("storage", sa.String(length=10), nullable=False),
        sa.Column("index_kind", sa.String(length=10), nullable=False),
        sa.Column("index_params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("index_name", sa.String(length=63), nullable=True),
        sa.Column("index_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("activate_when_ready", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("index_job_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_embedding_spaces_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embedding_spaces")),
    )
    op.create_index(op.f("ix_embedding_spaces_project_id"), "embedding_spaces", ["project_id"], unique=False)
    op.create_index(
        "uq_embedding_spaces_active_project",
        "embedding_spaces",
        ["project_id"],
        unique=True,
        postgresql_where=sa.text("is_active"),
    )
    op.create_table(
        "embeddings",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vector", VECTOR(), nullable=True),
        sa.Column("half", HALFVEC(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("num_nonnulls(vector, half) = 1", name=op.f("ck_embeddings_one_vector")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_embeddings_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_embeddings_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["embedding_spaces.id"],
            name=op.f("fk_embeddings_space_id_embedding_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("space_id", "item_id", name=op.f("pk_embeddings")),
    )
    op.create_index("ix_embeddings_item_id", "embeddings", ["item_id"], unique=False)
    # pgvector stores vectors with STORAGE external: a row over ~2 KB (a 512-d vector is 2 KB)
    # would go out of line into TOAST, and every exact scan and index build would detoast each
    # vector. Keep rows up to a full page inline (vectors up to ~2,000 dimensions).
    op.execute("ALTER TABLE embeddings SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    # The per-space vector indexes live on `embeddings` and go with it.
    op.drop_index("ix_embeddings_item_id", table_name="embeddings")
    op.drop_table("embeddings")
    op.drop_index(
        "uq_embedding_spaces_active_project",
        table_name="embedding_spaces",
        postgresql_where=sa.text("is_active"),
    )
    op.drop_index(op.f("ix_embedding_spaces_project_id"), table_name="embedding_spaces")
    op.drop_table("embedding_spaces")
