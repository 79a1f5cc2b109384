"""Every ORM class, imported here so Alembic and relationships see all tables."""

from mireru.models.access import ApiKey, AuthSession, ProjectMember, User
from mireru.models.annotation import Box, ItemKeyword, ItemLabel, LabelClass
from mireru.models.base import Base
from mireru.models.embedding import INDEX_KINDS, METRICS, SPACE_STATUSES, STORAGES, Embedding, EmbeddingSpace
from mireru.models.item import SPLITS, Item
from mireru.models.job import JOB_STATUSES, Job
from mireru.models.project import Project
from mireru.models.registry import PRODUCES, Deployment, ModelVersion
from mireru.models.training import FINISHED_STATUSES, RUN_STATUSES, TrainingLog, TrainingMetric, TrainingRun

__all__ = [
    "FINISHED_STATUSES",
    "INDEX_KINDS",
    "JOB_STATUSES",
    "METRICS",
    "PRODUCES",
    "RUN_STATUSES",
    "SPACE_STATUSES",
    "SPLITS",
    "STORAGES",
    "ApiKey",
    "AuthSession",
    "Base",
    "Box",
    "Deployment",
    "Embedding",
    "EmbeddingSpace",
    "Item",
    "ItemKeyword",
    "ItemLabel",
    "Job",
    "LabelClass",
    "ModelVersion",
    "Project",
    "ProjectMember",
    "TrainingLog",
    "TrainingMetric",
    "TrainingRun",
    "User",
]
