"""Checkpoints of a job's run in the blob store: written to a temporary file (never the working
directory), stored by digest, recorded on the run (fenced by the attempt), and the previous one
deleted, so a run keeps exactly its latest checkpoint."""

import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from mireru.db import unit_of_work
from mireru.ml.train.callbacks import CheckpointInfo
from mireru.ml.train.checkpoint import State, read_state, write_state
from mireru.storage import BlobStore
from mireru.training import repository

log = logging.getLogger(__name__)


def temp_path(suffix: str) -> Path:
    """A fresh file in the system's temporary directory."""
    fd, name = tempfile.mkstemp(prefix="mireru-", suffix=suffix)
    os.close(fd)
    return Path(name)


class BlobCheckpointStore:
    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, run_id: int, attempt: int) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.run_id = run_id
        self.attempt = attempt

    def save(self, state: State, info: CheckpointInfo) -> bool:
        path = temp_path(".pt")
        try:
            write_state(state, path)
            digest, _ = self.blobs.put_file(path)
        finally:
            path.unlink(missing_ok=True)
        record = {
            "epoch": info.epoch,
            "step": info.step,
            "steps_per_epoch": info.steps_per_epoch,
            "global_step": info.global_step,
            "reason": info.reason,
            "saved_at": datetime.now(UTC).isoformat(),
        }
        with unit_of_work(self.sessions) as session:
            kept, previous = repository.swap_checkpoint(session, self.run_id, self.attempt, digest, record)
        if not kept:
            log.warning("run %s attempt %s: checkpoint not kept (lease lost)", self.run_id, self.attempt)
            self.blobs.delete(digest)
            return False
        if previous is not None and previous != digest:
            self.blobs.delete(previous)
        return True

    def load(self, digest: str) -> State:
        return read_state(self.blobs.path(digest), map_location="cpu")
