"""The model registry: versions that successful training runs produce, and their deployments.

A deployment puts one version in a project's *slot*: "embedding" for versions that produce
vectors (search uses the deployed one), or the kind's own name ("classifier", "detector",
"keywords") for prediction models. At most one deployment per slot is active; the inactive ones
are the history that rollback walks back through.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mireru.models.base import Base, Timestamped

PRODUCES = ("embedding", "prediction")


class ModelVersion(Timestamped, Base):
    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_runs.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    produces: Mapped[str] = mapped_column(String(20), nullable=False)
    base_model: Mapped[str] = mapped_column(String(300), nullable=False)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, nullable=False)
    metrics: Mapped[dict[str, float]] = mapped_column(JSONB, default=dict, nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        Index("ix_deployments_project_id_slot_id", "project_id", "slot", "id"),
        Index(
            "uq_deployments_active_slot",
            "project_id",
            "slot",
            unique=True,
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    slot: Mapped[str] = mapped_column(String(50), nullable=False)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # "live" or "reembedding"
    reembed_job_id: Mapped[str | None] = mapped_column(String(64))
    # The deployment that was active before this one: rollback walks back along this chain.
    replaced_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id", ondelete="SET NULL"))
    rollback_of: Mapped[int | None] = mapped_column(Integer)  # the deployment this one rolled back
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), nullable=False
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
