"""What a job sees inside a worker process: settings, a session factory, the blob store, and a
`JobContext` that records progress and outcome on the job's row."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from mireru.config import Settings, get_settings
from mireru.db import engine_for, session_factory, unit_of_work
from mireru.jobs import repository as jobs_repo
from mireru.storage import BlobStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]
    blobs: BlobStore


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The worker process's runtime, built on first use from MIRERU_* settings."""
    settings = get_settings()
    if settings.database_url is None:
        raise RuntimeError("MIRERU_DATABASE_URL is not set; start workers with `mireru worker`.")
    return Runtime(settings, session_factory(engine_for(settings.database_url)), BlobStore(settings.blob_dir))


class JobContext:
    """Progress reporting for one job; writes are throttled so a fast loop does not flood the DB."""

    def __init__(self, job_id: str, rt: Runtime, min_interval_s: float = 0.5) -> None:
        self.job_id = job_id
        self.rt = rt
        self.min_interval_s = min_interval_s
        self._started = time.monotonic()
        self._last_write = 0.0

    def progress(self, done: int, total: int, message: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and done < total and now - self._last_write < self.min_interval_s:
            return
        self._last_write = now
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 and total >= done else None
        payload = {
            "done": done,
            "total": total,
            "fraction": (done / total) if total else 1.0,
            "rate_per_s": round(rate, 2),
            "eta_s": None if eta is None else round(eta, 1),
            "message": message,
        }
        with unit_of_work(self.rt.sessions) as session:
            jobs_repo.update_progress(session, self.job_id, payload)


class Heartbeat:
    """Refreshes the job's heartbeat from a thread while the body runs, so a reaper in another
    worker can tell a job whose process died from one that is just slow."""

    def __init__(self, job_id: str, rt: Runtime) -> None:
        self.job_id = job_id
        self.rt = rt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.rt.settings.job_heartbeat_s):
            try:
                with unit_of_work(self.rt.sessions) as session:
                    jobs_repo.beat(session, self.job_id, datetime.now(UTC))
            except Exception:  # a missed beat is retried on the next tick
                log.warning("job %s: heartbeat failed", self.job_id, exc_info=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def run_tracked(job_id: str, body: Callable[[JobContext], dict[str, Any]]) -> dict[str, Any]:
    """Run a job body, recording running → succeeded/failed on its row, with a heartbeat while it
    runs. Errors are re-raised so RQ records them too."""
    rt = runtime()
    with unit_of_work(rt.sessions) as session:
        jobs_repo.mark_running(session, job_id, datetime.now(UTC))
    ctx = JobContext(job_id, rt)
    try:
        with Heartbeat(job_id, rt):
            result = body(ctx)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        message = f"{type(exc).__name__}: {exc}"
        with unit_of_work(rt.sessions) as session:
            jobs_repo.mark_finished(session, job_id, "failed", datetime.now(UTC), error=message)
        raise
    with unit_of_work(rt.sessions) as session:
        jobs_repo.mark_finished(session, job_id, "succeeded", datetime.now(UTC), result=result)
    return result
