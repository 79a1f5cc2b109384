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


class Limits(BaseModel):
    """What one request may carry, so clients can check before sending."""

    max_upload_bytes: int
    max_files_per_request: int
    max_image_pixels: int
    max_import_bytes: int
    max_page_size: int
    max_json_bytes: int
    max_json_depth: int
