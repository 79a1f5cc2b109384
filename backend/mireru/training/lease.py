"""A running job's hold on its run: a heartbeat thread, and the stop checks the loop makes.

The heartbeat refreshes `heartbeat_at` every few seconds (fenced by the attempt number). If the
update finds no row, another attempt owns the run (this worker was presumed dead): the lease is
lost and the loop stops without writing anything more. The heartbeat also brings back the
database's cancel flag; the Redis flag is checked after every step, so a cancel lands within one.
"""

import logging
import threading
from datetime import UTC, datetime
from typing import Any

import redis
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mireru.db import unit_of_work
from mireru.ml.train.callbacks import Callback
from mireru.training import repository

log = logging.getLogger(__name__)

CANCELLED = "cancelled"
LEASE_LOST = "lease lost"


class Lease(Callback):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        run_id: int,
        attempt: int,
        interval_s: float,
        connection: "redis.Redis[Any] | None",
        cancel_key: str,
    ) -> None:
        self.sessions = sessions
        self.run_id = run_id
        self.attempt = attempt
        self.interval_s = interval_s
        self.connection = connection
        self.cancel_key = cancel_key
        self.cancelled = threading.Event()
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-run-{run_id}", daemon=True)

    def start(self) -> "Lease":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self.interval_s * 2))

    def beat(self) -> None:
        try:
            with unit_of_work(self.sessions) as session:
                cancel = repository.heartbeat(session, self.run_id, self.attempt, datetime.now(UTC))
        except SQLAlchemyError as exc:  # a database hiccup must not kill the run; the next beat retries
            log.warning("run %s: heartbeat failed: %s", self.run_id, exc)
            return
        if cancel is None:
            if not self.lost.is_set():
                log.warning("run %s attempt %s: lease lost to another attempt", self.run_id, self.attempt)
            self.lost.set()
        elif cancel:
            self.cancelled.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.beat()

    def _redis_cancelled(self) -> bool:
        if self.connection is None:
            return False
        try:
            return bool(self.connection.exists(self.cancel_key))
        except redis.RedisError:
            return False  # the database flag still arrives with the next heartbeat

    def stop_reason(self) -> str | None:
        if self.lost.is_set():
            return LEASE_LOST
        if self.cancelled.is_set() or self._redis_cancelled():
            self.cancelled.set()
            return CANCELLED
        return None
