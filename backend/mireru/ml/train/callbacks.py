"""What the training loop tells the outside world, and how the outside world asks it to stop.

The loop calls these hooks; it never writes to a database or a queue itself. A job passes a
callback that stores progress and metric points where the API can read them; a test passes one
that records them in a list.
"""

from dataclasses import dataclass, field
from typing import Literal

LogLevel = Literal["debug", "info", "warning", "error"]


@dataclass(frozen=True)
class Progress:
    """Where the loop is: `epoch` is 1-based; `step` counts finished steps of that epoch."""

    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    global_step: int
    total_steps: int
    items_per_s: float
    eta_s: float | None
    elapsed_s: float

    @property
    def fraction(self) -> float:
        return self.global_step / self.total_steps if self.total_steps else 1.0

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "epoch": self.epoch,
            "epochs": self.epochs,
            "step": self.step,
            "steps_per_epoch": self.steps_per_epoch,
            "global_step": self.global_step,
            "total_steps": self.total_steps,
            "items_per_s": round(self.items_per_s, 2),
            "eta_s": None if self.eta_s is None else round(self.eta_s, 1),
            "elapsed_s": round(self.elapsed_s, 1),
            "fraction": round(self.fraction, 4),
        }


@dataclass(frozen=True)
class CheckpointInfo:
    """A checkpoint's position: after `step` steps of `epoch` (a full epoch when step ==
    steps_per_epoch). `reason` is "epoch", "interval" or "stop"."""

    epoch: int
    step: int
    steps_per_epoch: int
    global_step: int
    reason: str

    @property
    def epoch_complete(self) -> bool:
        return self.step >= self.steps_per_epoch


@dataclass
class StartInfo:
    """Told once when the loop starts (or resumes)."""

    device: str
    amp: str
    world_size: int
    train_items: int
    val_items: int
    steps_per_epoch: int
    total_steps: int
    resumed_from: CheckpointInfo | None = None
    notes: list[str] = field(default_factory=list)


class Callback:
    """Base class with no-op hooks; override what you need. Only rank 0 gets these calls."""

    def on_start(self, info: StartInfo) -> None:
        """The loop is about to run its first (or first resumed) step."""

    def on_step(self, progress: Progress, metrics: dict[str, float]) -> None:
        """After an optimizer step; metrics (e.g. train/loss, lr) every `log_every_steps`."""

    def on_baseline(self, metrics: dict[str, float]) -> None:
        """Before the first step of a fresh run: the untrained network's validation metrics,
        named `baseline/*` after the `val/*` they stand beside."""

    def on_epoch(self, progress: Progress, metrics: dict[str, float]) -> None:
        """After an epoch, with its train and validation metrics."""

    def on_checkpoint(self, info: CheckpointInfo) -> None:
        """After the checkpoint store kept a checkpoint."""

    def on_log(self, level: LogLevel, message: str) -> None:
        """A line for the run's log."""

    def stop_reason(self) -> str | None:
        """Checked after every step: a reason (such as "cancelled") makes the loop save a
        checkpoint and return; None lets it go on."""
        return None


class CallbackList(Callback):
    """Fans each hook out to several callbacks; the first stop reason wins."""

    def __init__(self, callbacks: list[Callback]) -> None:
        self.callbacks = callbacks

    def on_start(self, info: StartInfo) -> None:
        for cb in self.callbacks:
            cb.on_start(info)

    def on_step(self, progress: Progress, metrics: dict[str, float]) -> None:
        for cb in self.callbacks:
            cb.on_step(progress, metrics)

    def on_baseline(self, metrics: dict[str, float]) -> None:
        for cb in self.callbacks:
            cb.on_baseline(metrics)

    def on_epoch(self, progress: Progress, metrics: dict[str, float]) -> None:
        for cb in self.callbacks:
            cb.on_epoch(progress, metrics)

    def on_checkpoint(self, info: CheckpointInfo) -> None:
        for cb in self.callbacks:
            cb.on_checkpoint(info)

    def on_log(self, level: LogLevel, message: str) -> None:
        for cb in self.callbacks:
            cb.on_log(level, message)

    def stop_reason(self) -> str | None:
        for cb in self.callbacks:
            reason = cb.stop_reason()
            if reason is not None:
                return reason
        return None


@dataclass
class Recorder(Callback):
    """Keeps everything it hears in lists (tests, notebooks, the CLI)."""

    steps: list[tuple[Progress, dict[str, float]]] = field(default_factory=list)
    epochs: list[tuple[Progress, dict[str, float]]] = field(default_factory=list)
    checkpoints: list[CheckpointInfo] = field(default_factory=list)
    logs: list[tuple[LogLevel, str]] = field(default_factory=list)
    starts: list[StartInfo] = field(default_factory=list)
    baselines: list[dict[str, float]] = field(default_factory=list)

    def on_start(self, info: StartInfo) -> None:
        self.starts.append(info)

    def on_step(self, progress: Progress, metrics: dict[str, float]) -> None:
        self.steps.append((progress, metrics))

    def on_baseline(self, metrics: dict[str, float]) -> None:
        self.baselines.append(metrics)

    def on_epoch(self, progress: Progress, metrics: dict[str, float]) -> None:
        self.epochs.append((progress, metrics))

    def on_checkpoint(self, info: CheckpointInfo) -> None:
        self.checkpoints.append(info)

    def on_log(self, level: LogLevel, message: str) -> None:
        self.logs.append((level, message))
