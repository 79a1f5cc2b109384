"""word models (trained or imported word vectors), their vocabulary, item keyword vectors

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:00:00.000000

`words` holds every word model's vocabulary in one table with a vector column of no declared
dimension; each model's HNSW cosine index is a partial expression index created by the job that
fills it, when the model becomes ready (as the embeddings domain does per space).
`item_keyword_vectors` holds a deployed keywords model's output vectors per item, for searching
images by words.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import VECTOR
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())


def _project_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["project_id"], ["projects.id"], name=op.f(f"fk_{table}_project_id_projects"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "word_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("stats", JSONB, nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("source IN ('trained', 'imported')", name=op.f("ck_word_models_source")),
        _project_fk("word_models"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_word_models")),
    )
    op.create_index(op.f("ix_word_models_project_id"), "word_models", ["project_id"])
    # At most one active word model per project: the one word queries and keyword search use.
    op.create_index(
        "uq_word_models_active_project",
        "word_models",
        ["project_id"],
        unique=True,
        postgresql_where=sa.text("is_active"),
    )

    op.create_table(
        "words",
        sa.Column("word_model_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=200), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("vector", VECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["word_model_id"],
            ["word_models.id"],
            name=op.f("fk_words_word_model_id_word_models"),
            ondelete="CASCADE",
        ),
        _project_fk("words"),
        sa.PrimaryKeyConstraint("word_model_id", "word", name=op.f("pk_words")),
    )
    # Prefix autocomplete (`word LIKE 'cra%'`) needs pattern ops whatever the database collation.
    op.execute("CREATE INDEX ix_words_word_model_id_prefix ON words (word_model_id, word text_pattern_ops)")
    op.execute("ALTER TABLE words SET (toast_tuple_target = 8160)")

    op.create_table(
        "item_keyword_vectors",
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vector", VECTOR(), nullable=False),
        sa.Column("norm", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_item_keyword_vectors_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_keyword_vectors_item_id_items"), ondelete="CASCADE"
        ),
        _project_fk("item_keyword_vectors"),
        sa.PrimaryKeyConstraint("model_version_id", "item_id", "slot", name=op.f("pk_item_keyword_vectors")),
    )
    op.create_index("ix_item_keyword_vectors_item_id", "item_keyword_vectors", ["item_id"])
    op.execute("ALTER TABLE item_keyword_vectors SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    # The per-model vector indexes live on `words` and go with it.
    op.drop_table("item_keyword_vectors")
    op.drop_table("words")
    op.drop_index(
        "uq_word_models_active_project", table_name="word_models", postgresql_where=sa.text("is_active")
    )
    op.drop_index(op.f("ix_word_models_project_id"), table_name="word_models")
    op.drop_table("word_models")
