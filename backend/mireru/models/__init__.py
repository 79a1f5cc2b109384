"""Every ORM class, imported here so Alembic and relationships see all tables."""

from mireru.models.annotation import Box, ItemKeyword, ItemLabel, LabelClass
from mireru.models.base import Base
from mireru.models.item import SPLITS, Item
from mireru.models.job import JOB_STATUSES, Job
from mireru.models.project import Project

__all__ = [
    "JOB_STATUSES",
    "SPLITS",
    "Base",
    "Box",
    "Item",
    "ItemKeyword",
    "ItemLabel",
    "Job",
    "LabelClass",
    "Project",
]
