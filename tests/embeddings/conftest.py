"""Fixtures for the embedding tests: empty RQ queues, a tiny CLIP saved on the fly."""

from pathlib import Path

import pytest
from rq import Queue

from mireru.config import Settings
from mireru.jobs.queue import QUEUES, redis_connection
from tests.ml.models import save_tiny_clip


@pytest.fixture
def queues(settings: Settings) -> list[Queue]:
    """The real RQ queues, emptied first: jobs other tests queued (over rolled-back rows) must
    not run in this test's worker."""
    found = [Queue(name, connection=redis_connection(settings.redis_url or "")) for name in QUEUES]
    for queue in found:
        queue.empty()
    return found


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> str:
    return save_tiny_clip(Path(tmp_path_factory.mktemp("tiny-clip")))
