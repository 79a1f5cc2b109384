"""Queue names and the Redis connection; jobs are enqueued only once their request commits."""

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from rq import Queue
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.db import after_commit
from mireru.errors import ServiceUnavailable
from mireru.jobs import repository as jobs_repo

DEFAULT_QUEUE = "default"
TRAINING_QUEUE = "training"
QUEUES = (TRAINING_QUEUE, DEFAULT_QUEUE)


@lru_cache(maxsize=4)
def redis_connection(url: str) -> "redis.Redis[bytes]":
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


class Dispatcher:
    """Hands jobs to RQ. Owned by the app (or a CLI command) for one Redis URL."""

    def __init__(self, redis_url: str, job_timeout_s: int) -> None:
        self.redis_url = redis_url
        self.job_timeout_s = job_timeout_s

    @classmethod
    def for_settings(cls, settings: Settings) -> "Dispatcher":
        """The dispatcher for these settings: the configured Redis, else the embedded one of the
        data dir (the one `mireru serve` and `mireru worker` start)."""
        from mireru.services.redis import EmbeddedRedis

        url = settings.redis_url or EmbeddedRedis(settings.services_dir / "redis").url
        return cls(url, settings.job_timeout_s)

    @property
    def connection(self) -> "redis.Redis[bytes]":
        return redis_connection(self.redis_url)

    def enqueue_now(self, queue: str, func: str, job_id: str, kwargs: dict[str, Any]) -> None:
        Queue(queue, connection=self.connection).enqueue_call(
            func, kwargs=kwargs, job_id=job_id, timeout=self.job_timeout_s, result_ttl=24 * 3600
        )

    def enqueue_after_commit(
        self, session: Session, queue: str, func: str, job_id: str, kwargs: dict[str, Any]
    ) -> None:
        """Enqueue once the session commits, so the worker always finds the rows it needs.

        Redis is checked first: when it is down the request fails with 503 and nothing is saved.
        If it goes down between that check and the commit, the job is marked failed rather than
        left queued forever."""
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(
                "the job queue (Redis) is unavailable; nothing was saved, retry"
            ) from exc

        def enqueue() -> None:
            try:
                self.enqueue_now(queue, func, job_id, kwargs)
            except redis.RedisError as exc:
                jobs_repo.mark_finished(
                    session, job_id, "failed", datetime.now(UTC), error=f"could not be queued: {exc}"
                )
                session.commit()

        after_commit(session, enqueue)
