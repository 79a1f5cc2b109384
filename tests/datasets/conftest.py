"""Fixtures for the dataset tests: RQ queues that start empty."""

import pytest
from rq import Queue

from mireru.config import Settings
from mireru.jobs.queue import QUEUES, redis_connection


@pytest.fixture
def queues(settings: Settings) -> list[Queue]:
    """The real RQ queues, emptied first: a job another test queued (whose rows were rolled
    back) must not run in this test's worker or be counted as this test's."""
    found = [Queue(name, connection=redis_connection(settings.redis_url or "")) for name in QUEUES]
    for queue in found:
        queue.empty()
    return found
