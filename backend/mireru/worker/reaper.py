"""Every worker watches for work whose worker died: a daemon thread in the worker's parent process
looks for training runs with a stale heartbeat and retries them (training.service.reap_stale_runs),
and marks other jobs whose heartbeat stopped as failed, so nothing stays "running" forever.

It uses its own engine without a connection pool, so no database connection is open in the
parent when RQ forks a work horse (a forked child must never share a parent's connection).
"""

import logging
import threading

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from mireru.config import Settings
from mireru.db import session_factory, unit_of_work
from mireru.jobs import service as jobs
from mireru.jobs.queue import Dispatcher
from mireru.training import service as training

log = logging.getLogger(__name__)


class Reaper:
    def __init__(self, settings: Settings, database_url: str, redis_url: str) -> None:
        self.settings = settings
        self.engine: Engine = create_engine(database_url, poolclass=NullPool)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.dispatcher = Dispatcher(redis_url, settings.job_timeout_s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mireru-reaper", daemon=True)

    def reap_once(self) -> list[int]:
        """Retry dead training runs (returns their ids) and fail other silent jobs."""
        try:
            with unit_of_work(self.sessions) as session:
                runs = training.reap_stale_runs(
                    session, self.dispatcher, self.settings.training_stale_after_s
                )
            with unit_of_work(self.sessions) as session:
                failed = jobs.fail_silent_jobs(session, self.settings.job_stale_after_s)
            for job_id in failed:
                log.warning("job %s: its worker stopped sending heartbeats; marked failed", job_id)
            return runs
        except SQLAlchemyError as exc:
            log.warning("could not look for dead jobs: %s", exc)
            return []

    def _run(self) -> None:
        while not self._stop.wait(self.settings.training_reap_every_s):
            self.reap_once()

    def start(self) -> "Reaper":
        self.reap_once()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=5)
        self.engine.dispose()
