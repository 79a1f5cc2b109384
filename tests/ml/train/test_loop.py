"""The shared training loop on a tiny linear task: reporting, checkpoints, stop and resume,
early stopping, schedules and failures. No database, no queue: callbacks and stores in memory."""

import io
import math
from typing import Any

import pytest
import torch
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from mireru.ml.train.callbacks import Callback, Recorder
from mireru.ml.train.checkpoint import MemoryCheckpointStore, read_state, state_bytes
from mireru.ml.train.loop import LoopConfig, _schedule, fit
from mireru.ml.train.task import EvalContext, TrainTask


class LinearTask(TrainTask):
    """Fit y = 2x - 1 with one linear unit; `val/neg_loss` is monitored (higher is better)."""

    monitor = "val/neg_loss"

    def __init__(self, n: int = 20, frozen_metric: float | None = None, explode: bool = False) -> None:
        g = torch.Generator().manual_seed(0)
        self.x = torch.rand(n, 1, generator=g)
        self.y = 2 * self.x - 1
        self.frozen_metric = frozen_metric
        self.explode = explode

    def build_model(self) -> nn.Module:
        return nn.Linear(1, 1)

    def train_dataset(self) -> Dataset[Any]:
        return TensorDataset(self.x, self.y)

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        x, y = (t.to(device) for t in batch)
        loss = nn.functional.mse_loss(model(x), y)
        if self.explode:
            loss = loss * float("nan")
        return loss, int(x.shape[0])

    def val_size(self) -> int:
        return len(self.x)

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        if self.frozen_metric is not None:
            return {"val/neg_loss": self.frozen_metric}
        loss = nn.functional.mse_loss(model(self.x.to(ctx.device)), self.y.to(ctx.device))
        return {"val/neg_loss": -float(loss)}

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        return {"state_dict": model.state_dict(), "metrics": metrics}


class StopAt(Callback):
    def __init__(self, global_step: int) -> None:
        self.global_step = global_step
        self.seen = 0

    def on_step(self, progress: Any, metrics: dict[str, float]) -> None:
        self.seen = progress.global_step

    def stop_reason(self) -> str | None:
        return "cancelled" if self.seen >= self.global_step else None


CONFIG = LoopConfig(epochs=3, batch_size=4, lr=0.1, device="cpu", seed=1)


def test_fit_reports_every_step_and_epoch_and_checkpoints_each_epoch() -> None:
    recorder, store = Recorder(), MemoryCheckpointStore()
    result = fit(LinearTask(), CONFIG, recorder, store)
    assert result.status == "completed"
    assert (result.epochs_completed, result.global_step) == (3, 15)
    [start] = recorder.starts
    assert (start.device, start.amp, start.steps_per_epoch, start.total_steps) == ("cpu", "off", 5, 15)
    assert [p.global_step for p, _ in recorder.steps] == list(range(1, 16))
    last, metrics = recorder.steps[-1]
    assert (last.epoch, last.step, last.fraction) == (3, 5, 1.0)
    assert last.items_per_s > 0
    assert last.eta_s == 0
    assert set(metrics) == {"train/loss", "lr"}
    assert [p.epoch for p, _ in recorder.epochs] == [1, 2, 3]
    assert set(recorder.epochs[0][1]) == {"train/epoch_loss", "val/neg_loss"}
    assert [(c.epoch, c.step, c.reason) for c in store.saved] == [
        (1, 5, "epoch"),
        (2, 5, "epoch"),
        (3, 5, "epoch"),
    ]
    first, final = recorder.epochs[0][1]["train/epoch_loss"], recorder.epochs[-1][1]["train/epoch_loss"]
    assert final < first


def test_a_stop_request_saves_a_checkpoint_and_resume_does_not_repeat_steps() -> None:
    recorder, store = Recorder(), MemoryCheckpointStore()
    stopped = fit(LinearTask(), CONFIG, _both(recorder, StopAt(7)), store)
    assert (stopped.status, stopped.reason, stopped.global_step) == ("stopped", "cancelled", 7)
    assert store.info is not None
    assert (store.info.epoch, store.info.step, store.info.reason) == (2, 2, "stop")

    resumed = Recorder()
    state = store.load()
    assert state is not None
    result = fit(LinearTask(), CONFIG, resumed, MemoryCheckpointStore(), resume=state)
    assert result.status == "completed"
    assert result.global_step == 15
    assert resumed.starts[0].resumed_from is not None
    assert [(p.epoch, p.step) for p, _ in resumed.steps][:2] == [(2, 3), (2, 4)]
    assert [p.global_step for p, _ in resumed.steps] == list(range(8, 16))
    # Epoch 1's evaluation is in the checkpoint's history; the resumed run adds 2 and 3.
    assert [p.epoch for p, _ in resumed.epochs] == [2, 3]
    assert [int(h["epoch"]) for h in result.history] == [1, 2, 3]


def test_resume_refuses_a_checkpoint_of_another_shape() -> None:
    store = MemoryCheckpointStore()
    fit(LinearTask(), LoopConfig(epochs=1, batch_size=4, device="cpu"), None, store)
    state = store.load()
    with pytest.raises(ValueError, match="steps per epoch"):
        fit(LinearTask(), LoopConfig(epochs=2, batch_size=5, device="cpu"), None, None, resume=state)


def test_early_stopping_and_the_best_epoch() -> None:
    recorder = Recorder()
    config = LoopConfig(epochs=10, batch_size=4, lr=0.1, device="cpu", early_stopping_patience=2)
    result = fit(LinearTask(frozen_metric=0.5), config, recorder)
    # No improvement after epoch 1: patience 2 stops after epoch 3; ties keep the later weights.
    assert (result.status, result.reason, result.epochs_completed) == ("completed", "early stopping", 3)
    assert result.best_epoch == 3
    assert any("early stopping after epoch 3" in m for _, m in recorder.logs)


def test_a_non_finite_loss_raises() -> None:
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        fit(LinearTask(explode=True), CONFIG)


def test_learning_rate_schedules() -> None:
    cosine = _schedule(LoopConfig(warmup_epochs=1, lr_schedule="cosine"), steps_per_epoch=10, total_steps=100)
    assert cosine(0) == pytest.approx(0.1)
    assert cosine(9) == pytest.approx(1.0)
    assert cosine(10) == pytest.approx(1.0)
    assert cosine(55) == pytest.approx(0.01 + 0.99 * 0.5)
    assert cosine(100) == pytest.approx(0.01)
    step = _schedule(LoopConfig(lr_schedule="step"), steps_per_epoch=10, total_steps=90)
    assert [step(s) for s in (0, 29, 31, 61, 89)] == pytest.approx([1.0, 1.0, 0.1, 0.01, 0.01])
    constant = _schedule(LoopConfig(lr_schedule="constant"), steps_per_epoch=10, total_steps=90)
    assert constant(50) == 1.0


def test_a_last_batch_of_one_is_dropped() -> None:
    recorder = Recorder()
    fit(LinearTask(n=9), LoopConfig(epochs=1, batch_size=4, device="cpu"), recorder)
    assert recorder.starts[0].steps_per_epoch == 2  # 4 + 4, the ninth example would be a batch of 1


def test_checkpoint_files_hold_only_tensors_and_plain_data() -> None:
    store = MemoryCheckpointStore()
    fit(LinearTask(), LoopConfig(epochs=1, batch_size=4, device="cpu"), None, store)
    assert store.data is not None
    state = read_state(store.data)  # weights_only=True inside
    assert {"model", "optimizer", "scheduler", "scaler", "rng", "epoch", "step", "global_step"} <= set(state)
    assert read_state(state_bytes(state))["epoch"] == 1
    plain = io.BytesIO()
    torch.save({"weight": torch.zeros(1)}, plain)
    with pytest.raises(ValueError, match="not a Mireru training checkpoint"):
        read_state(plain.getvalue())
    assert math.isfinite(float(state["model"]["weight"].item()))


def _both(*callbacks: Callback) -> Callback:
    from mireru.ml.train.callbacks import CallbackList

    return CallbackList(list(callbacks))
