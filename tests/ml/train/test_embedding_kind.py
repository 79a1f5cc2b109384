"""The `embedding` kind's ml code on tiny images: it learns, exports, and loads for inference.
The ml package stays pure: no web, database or queue library is imported by it."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.embedding_net.inference import TrainedEmbedder
from mireru.ml.embedding_net.network import BaseModel
from mireru.ml.embedding_net.task import EmbeddingConfig, EmbeddingTask
from mireru.ml.train.callbacks import Recorder
from mireru.ml.train.data import Record
from mireru.ml.train.loop import LoopConfig, fit


def _records(root: Path, n: int) -> list[Record]:
    rng = np.random.default_rng(0)
    records = []
    for i in range(n):
        label = i % 2
        pixels = rng.integers(0, 60, size=(32, 32, 3), dtype=np.uint8)
        pixels[..., 2 * label] += 180
        path = root / f"{i}.png"
        Image.fromarray(pixels).save(path)
        records.append(Record(str(path), label))
    return records


def test_embedding_task_trains_exports_and_embeds(tmp_path: Path) -> None:
    records = _records(tmp_path, 24)
    config = EmbeddingConfig("tiny-cnn", 32, 16, 0.1, 1.0, ("blue", "red"))
    task = EmbeddingTask(config, records[:16], records[16:])
    recorder = Recorder()
    result = fit(task, LoopConfig(epochs=3, batch_size=8, lr=0.01, device="cpu"), recorder)
    assert result.metrics["val/recall@1"] == 1.0  # colours are easy
    assert "tiny-cnn backbone" in recorder.starts[0].notes[0]

    bundle = task.export(result.model, result.metrics)
    path = tmp_path / "model.pt"
    torch.save(bundle, path)
    embedder = TrainedEmbedder(path).load()
    assert embedder.dimension == 16
    vectors = embedder.predict_images([Image.open(r.path) for r in records[:4]])
    assert vectors.shape == (4, 16)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    same, other = float(vectors[0] @ vectors[2]), float(vectors[0] @ vectors[1])
    assert same > other


def test_base_model_names() -> None:
    assert BaseModel.parse("tiny-cnn").family == "tiny-cnn"
    tv = BaseModel.parse("torchvision:mobilenet_v2@IMAGENET1K_V1")
    assert (tv.family, tv.name, tv.pretrained) == ("torchvision", "mobilenet_v2", "IMAGENET1K_V1")
    assert BaseModel.parse("open_clip:ViT-B-32").pretrained is None
    with pytest.raises(ValueError, match="base model"):
        BaseModel.parse("resnet50")


def test_ml_code_imports_no_web_database_or_queue_library() -> None:
    code = (
        "import sys\n"
        "import mireru.ml.train.loop, mireru.ml.train.checkpoint, mireru.ml.train.distributed\n"
        "import mireru.ml.embedding_net.task, mireru.ml.embedding_net.inference\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'sqlalchemy', 'rq', 'redis')\n"
        "             or m.startswith(('mireru.models', 'mireru.db', 'mireru.api', 'mireru.worker',\n"
        "                              'mireru.training', 'mireru.registry')))\n"
        "assert not bad, bad\n"
        "import torch\n"
        "assert not torch.cuda.is_initialized()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_uint8_input_gives_the_same_vectors_as_pil_input(tmp_path: Path) -> None:
    records = _records(tmp_path, 8)
    task = EmbeddingTask(EmbeddingConfig("tiny-cnn", 32, 8, 0.1, 1.0, ("blue", "red")), records, [])
    result = fit(task, LoopConfig(epochs=1, batch_size=4, device="cpu"))
    path = tmp_path / "model.pt"
    torch.save(task.export(result.model, result.metrics), path)
    embedder = TrainedEmbedder(path).load()
    images = [Image.open(r.path).convert("RGB") for r in records[:3]]  # already 32 x 32
    as_uint8 = torch.stack([torch.from_numpy(np.asarray(i).copy()).permute(2, 0, 1) for i in images])
    np.testing.assert_allclose(embedder.predict_uint8(as_uint8), embedder.predict_images(images), atol=1e-5)
