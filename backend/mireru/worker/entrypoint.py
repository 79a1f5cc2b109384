"""The one worker entrypoint: `mireru worker`. Heavy libraries are imported before RQ forks a
work horse per job, so each job starts fast; CUDA is never touched in this parent process."""

import logging
import os
import socket
from typing import TYPE_CHECKING

from rq import Worker

from mireru.jobs.queue import QUEUES, redis_connection

if TYPE_CHECKING:
    from mireru.worker.reaper import Reaper

log = logging.getLogger(__name__)


def preload() -> None:
    """Import what jobs need once in the parent, so forked work horses share it."""
    # torch and the model libraries take seconds to import; no tensor op or CUDA call happens here.
    import open_clip  # noqa: F401
    import PIL.Image  # noqa: F401
    import torch  # noqa: F401
    import torchvision  # noqa: F401

    import mireru.datasets.jobs
    import mireru.embeddings.jobs
    import mireru.ml.extract
    import mireru.training.jobs  # noqa: F401
    from mireru import listeners

    # Jobs that add items or deploy versions publish events: their listeners must be connected.
    listeners.register()


def run_worker(redis_url: str, queues: list[str] | None = None, burst: bool = False) -> None:
    preload()
    names = queues or list(QUEUES)
    worker = Worker(
        names,
        connection=redis_connection(redis_url),
        name=f"mireru-{socket.gethostname()}-{os.getpid()}",
    )
    log.info("worker %s listening on %s", worker.name, ", ".join(names))
    reaper = start_reaper(redis_url)
    try:
        worker.work(burst=burst, logging_level="INFO")
    finally:
        if reaper is not None:
            reaper.stop()


def start_reaper(redis_url: str) -> "Reaper | None":
    """Retry training runs and fail other jobs whose worker died (stale heartbeats), now and
    every few seconds."""
    from mireru.config import get_settings
    from mireru.worker.reaper import Reaper

    settings = get_settings()
    if settings.database_url is None:
        return None
    return Reaper(settings, settings.database_url, redis_url).start()
