"""All configuration in one place: environment variables with the prefix MIRERU_."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Mireru settings; every field can be set as MIRERU_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="MIRERU_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Blobs, embedded databases and logs.")
    database_url: str | None = Field(
        default=None, description="External PostgreSQL with pgvector; embedded one when unset."
    )
    redis_url: str | None = Field(default=None, description="External Redis; embedded one when unset.")
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: str | None = Field(
        default=None, description="When set, every /api/v1 route but health needs this bearer token."
    )

    max_upload_bytes: int = Field(default=50 * 1024 * 1024, description="Largest single image file.")
    max_import_bytes: int = Field(default=2 * 1024 * 1024 * 1024, description="Largest import archive.")
    max_files_per_request: int = 200
    max_image_pixels: int = Field(default=40_000_000, description="Decompression-bomb guard.")
    max_page_size: int = 500
    max_json_bytes: int = Field(default=2 * 1024 * 1024, description="Largest JSON request body.")
    max_json_depth: int = Field(default=32, description="Deepest nesting of a JSON request body.")
    thumbnail_size: int = 256

    job_timeout_s: int = 24 * 3600
    job_heartbeat_s: float = Field(
        default=5.0, description="How often a running job refreshes its heartbeat."
    )
    job_stale_after_s: float = Field(
        default=60.0,
        description="A running job whose heartbeat is older is marked failed by a worker's reaper.",
    )

    # Embedding and similarity search.
    embed_batch_size: int = Field(default=32, description="Images per model forward in embedding jobs.")
    embed_loader_workers: int = Field(
        default=2, description="DataLoader processes decoding images in embedding jobs (0: in-process)."
    )
    embed_device: str = Field(default="auto", description="auto (CUDA when present), cpu, cuda or cuda:N.")
    embed_precision: str = Field(default="auto", description="auto (bf16 on CUDA, fp32 on CPU), fp32, bf16.")
    query_device: str = Field(default="cpu", description="Device that embeds query images/text in the API.")
    model_cache_size: int = Field(
        default=4,
        description="Models kept loaded per process: feature extractors and prediction models together.",
    )
    index_build_memory: str = Field(
        default="1GB", description="maintenance_work_mem for vector index builds (HNSW builds in memory)."
    )
    index_build_workers: int = Field(default=1, description="max_parallel_maintenance_workers for builds.")
    search_max_scan_tuples: int = Field(
        default=20_000, description="hnsw.max_scan_tuples: how far a filtered HNSW scan may go on."
    )
    sample_space: bool = Field(
        default=True, description="Give the sample project a MobileNetV2 embedding space on first start."
    )
    default_space: bool = Field(
        default=True,
        description="Give every new project an active MobileNetV2 (ImageNet) search space, so search "
        "works before anyone configures one.",
    )

    # Training runs.
    training_heartbeat_s: float = Field(
        default=5.0, description="How often a training job refreshes its run's heartbeat."
    )
    training_stale_after_s: float = Field(
        default=60.0, description="A running run whose heartbeat is older is taken for dead and retried."
    )
    training_reap_every_s: float = Field(
        default=15.0, description="How often each worker looks for runs whose worker died."
    )
    training_max_attempts: int = Field(
        default=3, ge=1, description="Tries per run when workers die (a run that raises is not retried)."
    )
    training_progress_every_s: float = Field(
        default=0.5, description="Least time between progress/metric writes of a running job."
    )
    training_events_poll_s: float = Field(default=0.5, description="How often an SSE stream polls.")
    training_step_delay_s: float = Field(
        default=0.0, description="Sleep after each training step (demos and failure tests only)."
    )

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def services_dir(self) -> Path:
        return self.data_dir / "services"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
