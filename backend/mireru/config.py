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
    thumbnail_size: int = 256

    job_timeout_s: int = 24 * 3600

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
