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

    def val_size(self) -> int:
        return 0

    def parameter_groups(self, model: nn.Module) -> list[dict[str, Any]]:
        """Optimizer parameter groups; a group may carry "lr_scale" (a multiple of the run's lr)."""
        return [{"params": [p for p in model.parameters() if p.requires_grad]}]

    def collate_fn(self) -> Callable[[list[Any]], Any] | None:
        return None

    def notes(self) -> list[str]:
        """Lines for the run's log when training starts (what was built, from what)."""
        return []

    @abstractmethod
    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        """What inference needs (weights and config) as plain containers and tensors, saved as
        the model version's file."""
