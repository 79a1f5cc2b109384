"""Real PostgreSQL (with pgvector) and real Redis for the whole test session.

One database is migrated once. Each test that uses `client` runs inside a transaction that is
rolled back afterwards (join_transaction_mode="create_savepoint"), so tests do not see each other.
Tests that need a real RQ worker use `live_client`, whose writes are committed (workers run in
their own transactions) and cleaned up by deleting the projects the test created.
"""

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from rq import Queue, SimpleWorker
from sqlalchemy import Connection, Engine, create_engine, delete, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mireru import listeners
from mireru.config import Settings, get_settings
from mireru.db import make_engine
from mireru.jobs import runtime as worker_runtime
from mireru.jobs.queue import QUEUES, redis_connection
from mireru.main import create_app
from mireru.migrate import upgrade
from mireru.models import Project
from mireru.services.postgres import EmbeddedPostgres
from mireru.services.redis import EmbeddedRedis
from mireru.state import AppState

TEST_DB = "mireru_test"


def _system_redis() -> str | None:
    """Use a Redis already listening on 127.0.0.1:6379 (database 15) if there is one."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return "redis://127.0.0.1:6379/15"
    except OSError:
        return None


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    data_dir: Path


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("mireru")
    postgres = redis_server = None
    admin_url = os.environ.get("MIRERU_TEST_DATABASE_URL")
    if admin_url is None:
        postgres = EmbeddedPostgres(root / "postgres")
        admin_url = postgres.start()
    redis_url = os.environ.get("MIRERU_TEST_REDIS_URL") or _system_redis()
    if redis_url is None:
        redis_server = EmbeddedRedis(root / "redis")
        redis_url = redis_server.start()
    redis.Redis.from_url(redis_url).flushdb()

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {TEST_DB}"))
    admin.dispose()
    database_url = make_url(admin_url).set(database=TEST_DB).render_as_string(hide_password=False)
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()

    # Workers (RQ jobs run in this process by SimpleWorker) read their settings from the env.
    os.environ["MIRERU_DATABASE_URL"] = database_url
    os.environ["MIRERU_REDIS_URL"] = redis_url
    os.environ["MIRERU_DATA_DIR"] = str(root / "data")
    # Test projects start bare; tests/embeddings/test_default_space.py turns the default space on.
    os.environ["MIRERU_DEFAULT_SPACE"] = "false"
    get_settings.cache_clear()
    worker_runtime.runtime.cache_clear()
    # As every entrypoint does: tests call services and run jobs without building an app first.
    listeners.register()
    yield Services(database_url, redis_url, root / "data")
    if redis_server is not None:
        redis_server.stop()
    if postgres is not None:
        postgres.stop()


@pytest.fixture(scope="session")
def settings(services: Services) -> Settings:
    return Settings(
        data_dir=services.data_dir,
        database_url=services.database_url,
        redis_url=services.redis_url,
        max_upload_bytes=2 * 1024 * 1024,
        max_image_pixels=4_000_000,
        max_files_per_request=20,
    )


@pytest.fixture(scope="session")
def engine(services: Services):  # type: ignore[no-untyped-def]
    eng = make_engine(services.database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine) -> Iterator[Connection]:  # type: ignore[no-untyped-def]
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session inside the test's rolled-back transaction, for arranging and checking data."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def app_state(settings: Settings, connection: Connection, engine) -> AppState:  # type: ignore[no-untyped-def]
    state = AppState.build(settings, settings.database_url or "", settings.redis_url or "")
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return replace(state, engine=engine, sessions=factory)


@pytest.fixture
def client(app_state: AppState) -> Iterator[TestClient]:
    with TestClient(create_app(app_state)) as c:
        yield c


def committed_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client whose writes are committed (real workers must see them); the projects it creates
    are deleted afterwards. Shared by `live_client` and fixtures that tune the settings."""
    state = AppState.build(settings, settings.database_url or "", settings.redis_url or "")
    state = replace(state, engine=engine, sessions=sessionmaker(bind=engine, expire_on_commit=False))
    with engine.connect() as conn:
        before = conn.scalar(select(Project.id).order_by(Project.id.desc()).limit(1)) or 0
    with TestClient(create_app(state)) as c:
        yield c
    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.id > before))


@pytest.fixture
def live_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client whose writes are committed, for tests where a real worker must see them."""
    yield from committed_client(settings, engine)


@pytest.fixture
def run_jobs(services: Services) -> Callable[[], int]:
    """Run every queued job to completion in a real RQ SimpleWorker; returns how many ran.

    Queues are emptied when the fixture is set up: `client` tests commit only a savepoint, so their
    after-commit hooks may have enqueued jobs for rows that were then rolled back."""
    conn = redis_connection(services.redis_url)
    for name in QUEUES:
        Queue(name, connection=conn).empty()

    def run() -> int:
        worker = SimpleWorker(list(QUEUES), connection=conn)
        worker.work(burst=True)
        worker.refresh()  # rq keeps the counters in Redis
        return int(worker.successful_job_count + worker.failed_job_count)

    return run
