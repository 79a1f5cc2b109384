"""The one worker entrypoint: `mireru worker`. Heavy libraries are imported before RQ forks a
work horse per job, so each job starts fast; CUDA is never touched in this parent process."""

import logging
import os
import socket

from rq import Worker

from mireru.worker.queues import QUEUES, redis_connection

log = logging.getLogger(__name__)


def preload() -> None:
    """Import what jobs need once in the parent, so forked work horses share it."""
    import PIL.Image  # noqa: F401

    import mireru.datasets.jobs  # noqa: F401


def run_worker(redis_url: str, queues: list[str] | None = None, burst: bool = False) -> None:
    preload()
    names = queues or list(QUEUES)
    worker = Worker(
        names,
        connection=redis_connection(redis_url),
        name=f"mireru-{socket.gethostname()}-{os.getpid()}",
    )
    log.info("worker %s listening on %s", worker.name, ", ".join(names))
    worker.work(burst=burst, logging_level="INFO")
