"""Health checks: each dependency is probed separately so one failure does not hide the others."""

from rq import Worker
from sqlalchemy import text
from sqlalchemy.orm import Session

from mireru import __version__
from mireru.jobs.queue import Dispatcher
from mireru.system.schemas import ComponentHealth, DatabaseHealth, Health, WorkerInfo


def _database(session: Session) -> DatabaseHealth:
    try:
        version = session.execute(text("SHOW server_version")).scalar_one()
        pgvector = session.execute(
            text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        ).scalar_one_or_none()
        return DatabaseHealth(ok=pgvector is not None, version=str(version), pgvector=pgvector)
    except Exception as exc:  # any failure means "not healthy", reported in words
        session.rollback()
        return DatabaseHealth(ok=False, error=f"{type(exc).__name__}: {exc}".splitlines()[0])


def _redis(dispatcher: Dispatcher) -> tuple[ComponentHealth, list[WorkerInfo]]:
    try:
        info = dispatcher.connection.info("server")
        workers = [
            WorkerInfo(name=w.name, queues=w.queue_names(), state=str(w.get_state()))
            for w in Worker.all(connection=dispatcher.connection)
        ]
        return ComponentHealth(ok=True, version=str(info.get("redis_version"))), workers
    except Exception as exc:
        return ComponentHealth(ok=False, error=f"{type(exc).__name__}: {exc}"), []


def check(session: Session, dispatcher: Dispatcher) -> Health:
    database = _database(session)
    redis_health, workers = _redis(dispatcher)
    status = "ok" if database.ok and redis_health.ok else "unavailable"
    return Health(status=status, version=__version__, database=database, redis=redis_health, workers=workers)
