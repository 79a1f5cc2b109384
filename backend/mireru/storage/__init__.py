"""Content-addressed blob store on a local directory (a network volume scales it out).

A blob's name is the sha256 of its bytes, so identical uploads share one file and a write is
idempotent. Files are written to a temporary name and renamed, so a reader never sees half a blob.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store bytes; returns (sha256, created) where created is False if it was already there."""
        digest = sha256_of(data)
        return digest, self._store(digest, iter((data,)))

    def put_file(self, source: Path) -> tuple[str, bool]:
        """Store a file by streaming it (for archives and checkpoints too large for memory)."""
        h = hashlib.sha256()
        with source.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
        with source.open("rb") as f:
            return digest, self._store(digest, iter(lambda: f.read(1 << 20), b""))

    def _store(self, digest: str, chunks: Iterator[bytes]) -> bool:
        target = self.path(digest)
        if target.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def iter_chunks(self, sha256: str, chunk_size: int = 1 << 16) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as f:
            yield from iter(lambda: f.read(chunk_size), b"")

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)
