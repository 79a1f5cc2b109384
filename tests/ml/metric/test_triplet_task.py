"""The triplet TrainTask in the shared loop on tiny images: it re-mines at the start of every
epoch (from the vectors validation just computed), reports mining against training time, exports a
model file the embedding inference path loads; the loop's per-epoch hook runs on resume too. The
metric code stays pure: no web, database or queue library, and the retrieval metrics need no torch."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from mireru.ml.embedding_net.inference import TrainedEmbedder
from mireru.ml.metric.batch_hard_task import BatchHardTask
from mireru.ml.metric.classification_task import ClassificationTask
from mireru.ml.metric.metric_task import MetricConfig
from mireru.ml.metric.triplet_task import MiningConfig, TripletTask
from mireru.ml.train.callbacks import Callback, Recorder
from mireru.ml.train.checkpoint import MemoryCheckpointStore
from mireru.ml.train.data import Record
from mireru.ml.train.loop import LoopConfig, fit
from mireru.ml.train.task import EpochContext, TrainTask


def _records(root: Path, n: int) -> list[Record]:
    rng = np.random.default_rng(0)
    records = []
    for i in range(n):
        target = i % 3
        # Random brightness and noise with a faint tint: hard enough that searches rank wrongly.
        pixels = np.full((32, 32, 3), rng.uniform(0, 220)) + rng.normal(0, 25, (32, 32, 3))
        pixels[..., target] += 12
        path = root / f"{i}.png"
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path)
        records.append(Record(str(path), target))
    return records


CONFIG = MetricConfig("tiny-cnn", 32, 16, classes=("r", "g", "b"))
LOOP = LoopConfig(epochs=2, batch_size=6, lr=0.01, device="cpu")


def test_search_mined_triplets_are_mined_every_epoch_and_the_model_file_loads(tmp_path: Path) -> None:
    records = _records(tmp_path, 30)
    task = TripletTask(CONFIG, MiningConfig(engine="ivf", ivf_lists=3), records[:21], records[21:])
    recorder = Recorder()
    result = fit(task, LOOP, recorder)
    assert [int(p.epoch) for p, _ in recorder.epochs] == [1, 2]
    for _, metrics in recorder.epochs:
        assert metrics["mining/triplets"] > 0
        assert 0 <= metrics["mining/violation_share"] <= 1
        assert 0 <= metrics["time/mining_share"] <= 1
        assert metrics["time/train_s"] > 0
        # The vectors come from the validation pass that just ran (the untrained one for epoch 1).
        assert metrics["mining/reused_vectors"] == 21
    assert "val/untrained_recall@1" in recorder.epochs[0][1]
    notes = " ".join(recorder.starts[0].notes)
    assert "IVF (k-means lists)" in notes
    assert "pgvector" in notes
    logs = [message for _, message in recorder.logs]
    assert any(m.startswith("epoch 1 mining:") and "IVF in-memory search" in m for m in logs)
    assert any(m.startswith("epoch 2 mining:") for m in logs)

    bundle = task.export(result.model, result.metrics)
    assert bundle["kind"] == "triplet"
    assert bundle["config"]["neck"] is True
    path = tmp_path / "triplet.pt"
    torch.save(bundle, path)
    embedder = TrainedEmbedder(path).load()
    vectors = embedder.predict_images([Image.open(r.path) for r in records[:3]])
    assert vectors.shape == (3, 16)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_without_validation_the_vectors_are_extracted_every_epoch_from_pixels_decoded_once(
    tmp_path: Path,
) -> None:
    records = _records(tmp_path, 21)
    recorder = Recorder()
    fit(TripletTask(CONFIG, MiningConfig(), records, []), LOOP, recorder)
    sources = ("mining/reused_vectors", "mining/cached_pixels", "mining/decoded_images")
    first, second = ([metrics[key] for key in sources] for _, metrics in recorder.epochs)
    assert first == [0, 0, 21]
    assert second == [0, 21, 0]
    assert recorder.epochs[1][1]["mining/extract_s"] > 0
    logs = [message for _, message in recorder.logs]
    assert any(
        m.startswith("epoch 2 mining:") and "21 embedded from cached pixels, 0 decoded" in m for m in logs
    )


def test_the_baselines_train_in_the_same_harness(tmp_path: Path) -> None:
    records = _records(tmp_path, 24)
    train, val = records[:18], records[18:]
    mining = MiningConfig(strategy="random")
    for task in (
        TripletTask(CONFIG, mining, train, val),
        BatchHardTask(CONFIG, train, val),
        ClassificationTask(CONFIG, train, val),
    ):
        result = fit(task, LoopConfig(epochs=1, batch_size=6, lr=0.01, device="cpu"))
        assert 0 <= result.metrics["val/recall@1"] <= 1
        assert "time/mining_share" in result.metrics
        assert task.export(result.model, result.metrics)["config"]["method"] == task.method
    assert ClassificationTask.method == "classification"
    assert result.metrics["time/mining_share"] == 0.0


class _Hooked(TrainTask):
    """Records the epochs its hook saw and the model's mode at the time."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, bool, bool]] = []

    def build_model(self) -> nn.Module:
        return nn.Linear(1, 1)

    def train_dataset(self) -> Dataset[Any]:
        return TensorDataset(torch.rand(8, 1), torch.rand(8, 1))

    def training_step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        x, y = batch
        return nn.functional.mse_loss(model(x), y), int(x.shape[0])

    def on_epoch_start(self, model: nn.Module, ctx: EpochContext) -> None:
        ctx.log(f"hook {ctx.epoch}")
        self.seen.append((ctx.epoch, ctx.is_main, ctx.share("x") == "x"))

    def export(self, model: nn.Module, metrics: dict[str, float]) -> dict[str, Any]:
        return {}


class _StopAt(Callback):
    def __init__(self, step: int) -> None:
        self.step, self.steps = step, 0

    def on_step(self, progress: Any, metrics: dict[str, float]) -> None:
        self.steps = progress.global_step

    def stop_reason(self) -> str | None:
        return "stop" if self.steps >= self.step else None


def test_the_loop_calls_the_epoch_hook_before_each_epoch_and_again_on_resume() -> None:
    config = LoopConfig(epochs=3, batch_size=2, device="cpu")  # 4 steps per epoch
    task, store, recorder = _Hooked(), MemoryCheckpointStore(), Recorder()
    stopped = fit(task, config, _StopAt(6), store)
    assert stopped.status == "stopped"
    assert task.seen == [(1, True, True), (2, True, True)]
    resumed_task = _Hooked()
    done = fit(resumed_task, config, recorder, resume=store.load())
    assert done.status == "completed"
    assert [epoch for epoch, _, _ in resumed_task.seen] == [2, 3]  # epoch 2 resumed mid-way: hooked again
    assert ("info", "hook 2") in recorder.logs


def test_metric_code_imports_no_web_database_or_queue_library_and_retrieval_no_torch() -> None:
    code = (
        "import sys\n"
        "import mireru.ml.eval.retrieval\n"
        "assert 'torch' not in sys.modules, 'retrieval metrics imported torch'\n"
        "import mireru.ml.metric.triplet_task, mireru.ml.metric.batch_hard_task\n"
        "import mireru.ml.metric.classification_task\n"
        "web = ('fastapi', 'sqlalchemy', 'rq', 'redis')\n"
        "domains = ('mireru.models', 'mireru.db', 'mireru.training', 'mireru.embeddings')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in web or m.startswith(domains))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_warmup_epochs_train_the_classification_loss_before_mining_starts(tmp_path: Path) -> None:
    records = _records(tmp_path, 30)
    task = TripletTask(CONFIG, MiningConfig(classification_warmup_epochs=1), records[:21], records[21:])
    recorder = Recorder()
    result = fit(task, LoopConfig(epochs=3, batch_size=6, lr=0.01, device="cpu"), recorder)
    mined = ["mining/triplets" in metrics for _, metrics in recorder.epochs]
    assert mined == [False, True, True]
    assert any("classification loss warm-up" in n for n in recorder.starts[0].notes)
    # The exported file holds the embedding net alone (the warm-up's head stays behind).
    bundle = task.export(result.model, result.metrics)
    assert not any(k.startswith("head.") for k in bundle["state_dict"])
    assert bundle["state_dict"].keys() == task.net_of(result.model).state_dict().keys()


def test_triplet_images_carry_the_three_targets_when_asked(tmp_path: Path) -> None:
    from mireru.ml.metric.triplet_data import TripletImages

    records = _records(tmp_path, 6)
    data = TripletImages(records, lambda image: torch.zeros(3, 4, 4), length=2)
    data.set_triplets(torch.tensor([0, 1]), torch.tensor([3, 4]), torch.tensor([2, 5]))
    assert len(data[0]) == 3
    data.with_targets = True
    assert data[1][3].tolist() == [1, 1, 2]
