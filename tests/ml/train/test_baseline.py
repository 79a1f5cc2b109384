"""The loop measures its starting point: the untrained network's validation as `baseline/*`
before the first step, kept across a resume; warnings when the vectors collapse or the kept
weights end below the start."""

from typing import Any

import torch
from torch import nn

from mireru.ml.train.callbacks import Recorder
from mireru.ml.train.checkpoint import MemoryCheckpointStore
from mireru.ml.train.loop import LoopConfig, fit
from mireru.ml.train.task import EvalContext
from tests.ml.train.test_loop import LinearTask, StopAt

CONFIG = LoopConfig(epochs=3, batch_size=4, lr=0.1, device="cpu", seed=1)


def test_the_untrained_network_is_validated_before_the_first_step() -> None:
    recorder = Recorder()
    result = fit(LinearTask(), CONFIG, recorder)
    [baseline] = recorder.baselines
    assert set(baseline) == {"baseline/neg_loss"}
    assert result.baseline == baseline
    # Training a line fit gains over the random start, so no warning.
    assert result.metrics["val/neg_loss"] > baseline["baseline/neg_loss"]
    assert result.warnings == []
    assert not [m for level, m in recorder.logs if level == "warning"]


def test_a_resumed_run_keeps_the_first_attempts_baseline() -> None:
    store = MemoryCheckpointStore()
    first = Recorder()
    stopped = fit(LinearTask(), CONFIG, _with_stop(first, 7), store)
    assert stopped.status == "stopped"
    state = store.load()
    assert state is not None
    resumed = Recorder()
    result = fit(LinearTask(), CONFIG, resumed, MemoryCheckpointStore(), resume=state)
    assert resumed.baselines == []  # not measured again ...
    assert result.baseline == first.baselines[0]  # ... but carried in the checkpoint


def test_no_baseline_when_switched_off() -> None:
    recorder = Recorder()
    result = fit(
        LinearTask(), LoopConfig(epochs=1, batch_size=4, device="cpu", measure_baseline=False), recorder
    )
    assert recorder.baselines == []
    assert result.baseline == {}


class GetsWorse(LinearTask):
    """A monitor that falls with every evaluation: the kept weights end below the start."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        self.calls += 1
        return {"val/neg_loss": -float(self.calls)}


class Collapsed(LinearTask):
    def evaluate(self, model: nn.Module, ctx: EvalContext) -> dict[str, float]:
        return {"val/neg_loss": -1.0, "val/mean_cosine": 0.998}


def test_a_model_that_ends_below_its_start_is_flagged() -> None:
    recorder = Recorder()
    result = fit(GetsWorse(), CONFIG, recorder)
    assert result.baseline == {"baseline/neg_loss": -1.0}
    [warning] = result.warnings
    assert "worse than the untrained network" in warning
    assert ("warning", warning) in recorder.logs


def test_collapsed_vectors_are_logged_as_a_warning_each_epoch() -> None:
    recorder = Recorder()
    result = fit(Collapsed(), LoopConfig(epochs=2, batch_size=4, device="cpu"), recorder)
    collapse = [m for level, m in recorder.logs if level == "warning" and "collapsed" in m]
    assert len(collapse) == 3  # before training and after each of the 2 epochs
    assert collapse[0].startswith("before training: ")
    assert "0.998" in collapse[1]
    assert len(result.warnings) == 3


def _with_stop(recorder: Recorder, step: int) -> Any:
    from mireru.ml.train.callbacks import CallbackList

    return CallbackList([recorder, StopAt(step)])


def test_mean_pairwise_cosine_tells_spread_from_collapse() -> None:
    from mireru.ml.eval.baseline import collapse_warning, mean_pairwise_cosine

    g = torch.Generator().manual_seed(0)
    spread = torch.randn(200, 64, generator=g).numpy()
    same = (torch.ones(200, 64) + 0.01 * torch.randn(200, 64, generator=g)).numpy()
    assert abs(mean_pairwise_cosine(spread)) < 0.05
    assert mean_pairwise_cosine(same) > 0.99
    # The O(n·d) identity equals the explicit mean over distinct pairs.
    small = spread[:7] / ((spread[:7] ** 2).sum(1, keepdims=True) ** 0.5)
    sims = small @ small.T
    explicit = (sims.sum() - 7) / (7 * 6)
    assert abs(mean_pairwise_cosine(spread[:7]) - explicit) < 1e-6  # float32 input
    assert collapse_warning({"val/mean_cosine": 0.5}) is None
    assert collapse_warning({"val/mean_cosine": 0.97}) is not None
