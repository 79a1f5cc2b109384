"""On a CUDA worker: `auto` picks the GPU with mixed precision (bf16, or fp16 with loss scaling),
checkpoints made there resume, and a trained embedding model serves from the GPU. Skipped on
machines without CUDA."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.embedding_net.inference import TrainedEmbedder
from mireru.ml.embedding_net.task import EmbeddingConfig, EmbeddingTask
from mireru.ml.train.callbacks import CallbackList, Recorder
from mireru.ml.train.checkpoint import MemoryCheckpointStore
from mireru.ml.train.device import DevicePlan, plan_device
from mireru.ml.train.distributed import DistContext
from mireru.ml.train.loop import LoopConfig, _Loop, fit
from tests.ml.train.test_embedding_kind import _records
from tests.ml.train.test_loop import LinearTask, StopAt

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def test_auto_trains_on_the_gpu_with_mixed_precision_and_resumes_there() -> None:
    plan = plan_device("auto")
    assert plan.device.type == "cuda"
    assert plan.amp_name == ("bf16" if torch.cuda.is_bf16_supported() else "fp16")
    store, recorder = MemoryCheckpointStore(), Recorder()
    config = LoopConfig(epochs=3, batch_size=4, lr=0.1, device="auto")
    stopped = fit(LinearTask(), config, CallbackList([recorder, StopAt(7)]), store)
    assert (stopped.status, stopped.device, stopped.amp) == ("stopped", "cuda:0", plan.amp_name)
    state = store.load()
    assert state is not None
    result = fit(LinearTask(), config, Recorder(), MemoryCheckpointStore(), resume=state)
    assert (result.status, result.global_step) == ("completed", 15)
    assert next(result.model.parameters()).device.type == "cuda"


def test_fp16_uses_the_gradient_scaler() -> None:
    plan = DevicePlan(torch.device("cuda", 0), torch.float16)
    assert plan.needs_grad_scaler
    recorder = Recorder()
    config = LoopConfig(epochs=2, batch_size=4, lr=0.1)
    loop = _Loop(LinearTask(), config, recorder, None, DistContext(), plan)
    assert loop.scaler.is_enabled()
    result = loop.run()
    assert result.status == "completed"
    assert all(np.isfinite(m["train/loss"]) for _, m in recorder.steps)


def test_embedding_kind_on_the_gpu(tmp_path: Path) -> None:
    records = _records(tmp_path, 24)
    config = EmbeddingConfig("tiny-cnn", 32, 16, 0.1, 1.0, ("blue", "red"))
    task = EmbeddingTask(config, records[:16], records[16:])
    result = fit(task, LoopConfig(epochs=3, batch_size=8, lr=0.01, device="auto"))
    assert result.device.startswith("cuda")
    assert result.metrics["val/recall@1"] >= 0.5
    path = tmp_path / "model.pt"
    torch.save(task.export(result.model, result.metrics), path)
    embedder = TrainedEmbedder(path, device="cuda").load()
    vectors = embedder.predict_images([Image.open(r.path) for r in records[:3]])
    assert vectors.shape == (3, 16)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
