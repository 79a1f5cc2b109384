"""training runs, metric points, logs; model registry and deployments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def _project_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["project_id"], ["projects.id"], name=op.f(f"fk_{table}_project_id_projects"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "training_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("base_model", sa.String(length=300), nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("dataset", JSONB, nullable=False),
        sa.Column("dataset_summary", JSONB, nullable=False),
        sa.Column("dataset_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", JSONB, nullable=False),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("attempt", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("max_attempts", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("device", sa.String(length=50), nullable=True),
        sa.Column("amp", sa.String(length=10), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("checkpoint_sha256", sa.String(length=64), nullable=True),
        sa.Column("checkpoint", JSONB, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _project_fk("training_runs"),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_training_runs_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_runs")),
    )
    op.create_index("ix_training_runs_project_id_id", "training_runs", ["project_id", "id"])
    op.create_index("ix_training_runs_status_heartbeat_at", "training_runs", ["status", "heartbeat_at"])

    for table in ("training_metrics", "training_logs"):
        columns = (
            [
                sa.Column("epoch", sa.Integer(), nullable=False),
                sa.Column("step", sa.Integer(), nullable=False),
                sa.Column("name", sa.String(length=100), nullable=False),
                sa.Column("value", sa.Float(), nullable=False),
            ]
            if table == "training_metrics"
            else [
                sa.Column("level", sa.String(length=10), nullable=False),
                sa.Column("message", sa.Text(), nullable=False),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", sa.BigInteger(), nullable=False),
            sa.Column("run_id", sa.Integer(), nullable=False),
            sa.Column("project_id", sa.Integer(), nullable=False),
            sa.Column("attempt", sa.Integer(), nullable=False),
            *columns,
            sa.Column(
                "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
            ),
            _project_fk(table),
            sa.ForeignKeyConstraint(
                ["run_id"],
                ["training_runs.id"],
                name=op.f(f"fk_{table}_run_id_training_runs"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(f"ix_{table}_run_id_id", table, ["run_id", "id"])

    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("produces", sa.String(length=20), nullable=False),
        sa.Column("base_model", sa.String(length=300), nullable=False),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        *_timestamps(),
        _project_fk("model_versions"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["training_runs.id"],
            name=op.f("fk_model_versions_run_id_training_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("project_id", "version", name=op.f("uq_model_versions_project_id_version")),
    )
    op.create_index(op.f("ix_model_versions_run_id"), "model_versions", ["run_id"])

    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=50), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reembed_job_id", sa.String(length=64), nullable=True),
        sa.Column("replaced_id", sa.Integer(), nullable=True),
        sa.Column("rollback_of", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        _project_fk("deployments"),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_deployments_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_id"],
            ["deployments.id"],
            name=op.f("fk_deployments_replaced_id_deployments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployments")),
    )
    op.create_index("ix_deployments_project_id_slot_id", "deployments", ["project_id", "slot", "id"])
    op.create_index(op.f("ix_deployments_model_version_id"), "deployments", ["model_version_id"])
    op.create_index(
        "uq_deployments_active_slot",
        "deployments",
        ["project_id", "slot"],
        unique=True,
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_table("deployments")
    op.drop_table("model_versions")
    op.drop_table("training_logs")
    op.drop_table("training_metrics")
    op.drop_table("training_runs")
