"""Fixtures for training tests: a committed-writes client with quick training settings, and job
settings (read by workers from MIRERU_* variables) that make runs report at every step."""

import os
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mireru.config import Settings, get_settings
from mireru.jobs import runtime as worker_runtime
from tests.conftest import committed_client

JOB_DEFAULTS = {
    "MIRERU_TRAINING_PROGRESS_EVERY_S": "0",
    "MIRERU_TRAINING_HEARTBEAT_S": "0.2",
}


def _clear_settings_caches() -> None:
    get_settings.cache_clear()
    worker_runtime.runtime.cache_clear()


@pytest.fixture
def job_env() -> Iterator[Callable[..., None]]:
    """Set MIRERU_* variables for jobs run in this process (run_jobs); restored afterwards."""
    saved: dict[str, str | None] = {}

    def apply(**values: str) -> None:
        for key, value in {**JOB_DEFAULTS, **values}.items():
            saved.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        _clear_settings_caches()

    apply()
    yield apply
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _clear_settings_caches()


@pytest.fixture
def training_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"training_events_poll_s": 0.05, "training_stale_after_s": 3.0})


@pytest.fixture
def live(training_settings: Settings, engine, job_env) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """Like `live_client` (committed writes, projects deleted afterwards), with quick training
    settings on the API side and per-step reporting on the job side."""
    yield from committed_client(training_settings, engine)


@pytest.fixture
def live_no_api_reaper(settings: Settings, engine, job_env) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A live client whose reads never retry runs themselves (a huge staleness limit), so only a
    worker's heartbeat reaper can notice a dead worker."""
    cfg = settings.model_copy(update={"training_events_poll_s": 0.05, "training_stale_after_s": 86_400.0})
    yield from committed_client(cfg, engine)
