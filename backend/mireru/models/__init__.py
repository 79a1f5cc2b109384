"""Every ORM class, imported here so Alembic and relationships see all tables."""

from mireru.models.access import ApiKey, AuthSession, ProjectMember, User
from mireru.models.annotation import Box, ItemKeyword, ItemLabel, LabelClass
from mireru.models.base import Base
from mireru.models.embedding import INDEX_KINDS, METRICS, SPACE_STATUSES, STORAGES, Embedding, EmbeddingSpace
from mireru.models.item import SPLITS, Item
from mireru.models.job import JOB_STATUSES, Job
from mireru.models.pair import PositivePair
from mireru.models.project import Project
from mireru.models.registry import PRODUCES, Deployment, ModelVersion
from mireru.models.suggestion import SUGGESTION_KINDS, SUGGESTION_STATUSES, Suggestion
from mireru.models.training import FINISHED_STATUSES, RUN_STATUSES, TrainingLog, TrainingMetric, TrainingRun
from mireru.models.words import WORD_MODEL_SOURCES, WORD_MODEL_STATUSES, ItemKeywordVector, Word, WordModel

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
    "SUGGESTION_KINDS",
    "SUGGESTION_STATUSES",
    "WORD_MODEL_SOURCES",
    "WORD_MODEL_STATUSES",
    "ApiKey",
    "AuthSession",
    "Base",
    "Box",
    "Deployment",
    "Embedding",
    "EmbeddingSpace",
    "Item",
    "ItemKeyword",
    "ItemKeywordVector",
    "ItemLabel",
    "Job",
    "LabelClass",
    "ModelVersion",
    "PositivePair",
    "Project",
    "ProjectMember",
    "Suggestion",
    "TrainingLog",
    "TrainingMetric",
    "TrainingRun",
    "User",
    "Word",
    "WordModel",
]
