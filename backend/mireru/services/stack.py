"""Resolve the database and Redis URLs: the configured ones, or embedded servers we start."""

from dataclasses import dataclass, field

from mireru.config import Settings
from mireru.services.postgres import EmbeddedPostgres
from mireru.services.redis import EmbeddedRedis


@dataclass
class ServiceStack:
    database_url: str
    redis_url: str
    _postgres: EmbeddedPostgres | None = field(default=None, repr=False)
    _redis: EmbeddedRedis | None = field(default=None, repr=False)

    @classmethod
    def start(cls, settings: Settings) -> "ServiceStack":
        postgres = redis = None
        database_url, redis_url = settings.database_url, settings.redis_url
        if database_url is None:
            postgres = EmbeddedPostgres(settings.services_dir / "postgres")
            database_url = postgres.start()
        if redis_url is None:
            redis = EmbeddedRedis(settings.services_dir / "redis")
            redis_url = redis.start()
        return cls(database_url, redis_url, postgres, redis)

    @property
    def embedded(self) -> list[str]:
        return [name for name, s in (("postgres", self._postgres), ("redis", self._redis)) if s]

    def __enter__(self) -> "ServiceStack":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._redis is not None:
            self._redis.stop()
        if self._postgres is not None:
            self._postgres.stop()
