"""Checkpoints: the loop's whole state (weights, optimizer, LR schedule, loss scaler, counters,
best weights for early stopping, RNG) as one torch file, and where such files are kept.

The loop hands a state dict to a `CheckpointStore`; the store decides where it lives (a blob store
for jobs, a directory or memory for tests). Files are written with `torch.save` and read back with
`weights_only=True`, so a checkpoint holds only tensors and plain containers, never pickled code.
"""

import io
import tempfile
from pathlib import Path
from typing import Any, Protocol

import torch

from mireru.ml.train.callbacks import CheckpointInfo

FORMAT = "mireru.checkpoint/1"
State = dict[str, Any]


class CheckpointStore(Protocol):
    """Keeps the latest checkpoint of one run. `save` may refuse quietly (a run that lost its
    lease to a retry must not overwrite the retry's checkpoint); it returns whether it kept it."""

    def save(self, state: State, info: CheckpointInfo) -> bool: ...


def write_state(state: State, path: Path) -> None:
    torch.save({"format": FORMAT, **state}, path)


def read_state(source: Path | bytes, map_location: str | torch.device = "cpu") -> State:
    """Load a checkpoint written by `write_state`, checking its format marker."""
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    state = torch.load(data, map_location=map_location, weights_only=True)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError("not a Mireru training checkpoint")
    return state


def state_bytes(state: State) -> bytes:
    out = io.BytesIO()
    torch.save({"format": FORMAT, **state}, out)
    return out.getvalue()


def cpu_copy(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A detached CPU copy of a module's state dict (for best-weights snapshots)."""
    return {k: v.detach().to("cpu", copy=True) for k, v in state_dict.items()}


class MemoryCheckpointStore:
    """Keeps the latest checkpoint as bytes in memory (tests)."""

    def __init__(self) -> None:
        self.data: bytes | None = None
        self.info: CheckpointInfo | None = None
        self.saved: list[CheckpointInfo] = []

    def save(self, state: State, info: CheckpointInfo) -> bool:
        self.data = state_bytes(state)
        self.info = info
        self.saved.append(info)
        return True

    def load(self) -> State | None:
        return None if self.data is None else read_state(self.data)


class DirectoryCheckpointStore:
    """Keeps the latest checkpoint as `last.pt` in a directory, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    @property
    def path(self) -> Path:
        return self.directory / "last.pt"

    def save(self, state: State, info: CheckpointInfo) -> bool:  # noqa: ARG002  # the file holds it all
        with tempfile.NamedTemporaryFile(dir=self.directory, suffix=".tmp", delete=False) as tmp:
            tmp_path = Path(tmp.name)
        try:
            write_state(state, tmp_path)
            tmp_path.replace(self.path)
        finally:
            tmp_path.unlink(missing_ok=True)
        return True

    def load(self) -> State | None:
        return read_state(self.path) if self.path.is_file() else None
