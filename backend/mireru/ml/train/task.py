"""What a model kind gives the shared loop: its model, its data, one training step, evaluation,
and what of the trained model is worth keeping (the export)."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn
from torch.utils.data import Dataset


@dataclass(frozen=True)
class EvalContext:
    """How to evaluate: the device, batch size, loader workers and autocast dtype of the run."""

    device: torch.device
    batch_size: int
    num_workers: int
    amp_dtype: torch.dtype | None

    def autocast(self) -> torch.autocast:
        return torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None)


def _no_log(message: str) -> None:
    """The default `EpochContext.log`: the line goes nowhere."""


def _as_is(value: Any) -> Any:
    """The default `EpochContext.share` for one process: nothing to share with."""
    return value


@dataclass(frozen=True)
class EpochContext(EvalContext):
    """What `on_epoch_start` gets besides the eval settings: the epoch (1-based), whether this
    process is rank 0, a `log` for the run's log (rank 0's lines only are kept), and `share`,
    which returns rank 0's value on every rank (a broadcast; the identity without DDP)."""

    epoch: int = 1
    is_main: bool = True
    log: Callable[[str], None] = _no_log
    share: Callable[[Any], Any] = _as_is


class TrainTask(ABC):
    """One model kind's training logic. Subclasses set `monitor` (a metric name returned by
    `evaluate`, such as "val/recall@1") and `monitor_mode` to enable best-epoch selection and
    early stopping; without a monitor the last epoch's weights are kept."""

    monitor: str | None = None
    monitor_mode: Literal["min", "max"] = "max"

    @abstractmethod
    def build_model(self) -> nn.Module:
        """A fresh model on the CPU; the loop moves it to the device (and wraps it for DDP)."""

    @abstractmethod
    def train_dataset(self) -> Dataset[Any]:
        """The training examples; the loop shards, shuffles and batches them."""

    @abstractmethod
    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        """Forward one batch (already under autocast) and return (loss, number of examples)."""

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:  # noqa: ARG002
        """Validation metrics after an epoch (called on rank 0 with the unwrapped model)."""
        return {}

    def evaluate_baseline(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        """The untrained network's validation, before the first step (the loop names its `val/*`
        metrics `baseline/*`). Tasks that can reuse this pass (search mining) override it."""
        return self.evaluate(model, ctx)

    def val_size(self) -> int:
        return 0

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        """Optimizer parameter groups; a group may carry "lr_scale" (a multiple of the run's lr)."""
        return [{"params": [p for p in model.parameters() if p.requires_grad]}]

    def collate_fn(self) -> Callable[[list[Any]], Any] | None:
        return None

    def sample_weights(self) -> list[float] | None:
        """One weight per training example to draw each epoch with replacement in proportion to
        them (balanced sampling for skewed classes); None for a plain shuffle."""
        return None

    def on_epoch_start(self, model: nn.Module, ctx: EpochContext) -> None:  # noqa: B027
        """Called on every rank before each epoch's first step (also when a run resumes inside an
        epoch), with the unwrapped model; the loop puts the model back in train mode afterwards.
        Tasks that rebuild their examples from the current network (search-mined triplets) do it
        here; the dataset's length must not change, since the loop's step counts depend on it."""

    def notes(self) -> list[str]:
        """Lines for the run's log when training starts (what was built, from what)."""
        return []

    @abstractmethod
    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        """What inference needs (weights and config) as plain containers and tensors, saved as
        the model version's file."""


class BackboneTask(TrainTask):
    """A task whose image backbone decides the input normalisation (its mean and std), known once
    `build_model()` has built the backbone."""

    _mean: tuple[float, float, float] | None = None
    _std: tuple[float, float, float] | None = None

    @property
    def mean(self) -> tuple[float, float, float]:
        if self._mean is None:
            raise RuntimeError("build_model() first")
        return self._mean

    @property
    def std(self) -> tuple[float, float, float]:
        if self._std is None:
            raise RuntimeError("build_model() first")
        return self._std
