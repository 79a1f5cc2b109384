"""Project shapes."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

Name = Field(min_length=1, max_length=200, description="Unique project name")


class ProjectCreate(BaseModel):
    name: str = Name
    description: str = Field(default="", max_length=2000)


class ProjectUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    item_count: int = 0


class ProjectList(BaseModel):
    projects: list[ProjectRead]
    total: int
