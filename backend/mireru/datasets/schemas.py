"""Import/export shapes."""

from typing import Literal

from pydantic import BaseModel, Field

ExportFormat = Literal["coco", "imagefolder", "csv"]
ImportFormat = Literal["coco", "imagefolder", "csv"]


class SkippedRecord(BaseModel):
    filename: str
    error: str


class ImportResult(BaseModel):
    """What an import job did; stored as the job's result."""

    format: ImportFormat
    records: int
    created: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: int = 0
    pairs: int = Field(default=0, description="explicit positive pairs added (the `positives` column)")
    errors: list[SkippedRecord] = Field(default_factory=list, description="the first 100 problems")
