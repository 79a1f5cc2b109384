"""Health report shapes."""

from pydantic import BaseModel


class ComponentHealth(BaseModel):
    ok: bool
    version: str | None = None
    error: str | None = None


class DatabaseHealth(ComponentHealth):
    pgvector: str | None = None


class WorkerInfo(BaseModel):
    name: str
    queues: list[str]
    state: str


class Health(BaseModel):
    status: str
    version: str
    database: DatabaseHealth
    redis: ComponentHealth
    workers: list[WorkerInfo]
