"""The keyword network and its baseline on a tiny generated task: images whose colour channels
say which of "red", "green", "blue" they have (one to three keywords each). A tiny CNN learns it
well above chance in a few epochs, exports a version file, and loads for inference."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.keyword_estimation.baseline import BceConfig, BcePredictor, BceTask
from mireru.ml.keyword_estimation.data import KeywordRecord
from mireru.ml.keyword_estimation.inference import KeywordPredictor
from mireru.ml.keyword_estimation.task import KeywordsConfig, KeywordsTask
from mireru.ml.train.callbacks import Recorder
from mireru.ml.train.loop import LoopConfig, fit

COLOURS = ("red", "green", "blue")
SETS = [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
# Orthogonal unit directions plus noise dimensions: "crimson" is near "red" but never a target.
VECTORS = {
    "red": [1.0, 0.0, 0.0, 0.1, 0.0, 0.0],
    "green": [0.0, 1.0, 0.0, 0.0, 0.1, 0.0],
    "blue": [0.0, 0.0, 1.0, 0.0, 0.0, 0.1],
    "crimson": [0.9, 0.0, 0.0, 0.3, 0.0, 0.0],
}
LOOP = LoopConfig(epochs=8, batch_size=16, lr=0.01, device="cpu", seed=0)


def _records(root: Path, n: int, seed: int) -> list[KeywordRecord]:
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        channels = SETS[i % len(SETS)]
        pixels = rng.integers(0, 50, size=(32, 32, 3), dtype=np.uint8)
        for c in channels:
            pixels[..., c] += 190
        path = root / f"{seed}-{i}.png"
        Image.fromarray(pixels).save(path)
        records.append(KeywordRecord(str(path), tuple(COLOURS[c] for c in channels)))
    return records


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[KeywordRecord], list[KeywordRecord]]:
    root = tmp_path_factory.mktemp("colours")
    return _records(root, 70, seed=1), _records(root, 28, seed=2)


@pytest.mark.parametrize("pairing", ["greedy", "hungarian"])
def test_keyword_network_learns_exports_and_predicts(data, tmp_path: Path, pairing: str) -> None:  # type: ignore[no-untyped-def]
    train, val = data
    config = KeywordsConfig("tiny-cnn", 32, num_outputs=4, pairing=pairing)  # type: ignore[arg-type]
    task = KeywordsTask(config, VECTORS, train, val)
    recorder = Recorder()
    result = fit(task, LOOP, recorder)
    # Chance: guessing each colour with probability 1/2 gives a set F1 of about 0.55.
    assert result.metrics["val/f1"] > 0.8, result.metrics
    assert result.metrics["val/count_error"] < 0.5
    assert f"{pairing} pairing" in recorder.starts[0].notes[0]

    path = tmp_path / "keywords.pt"
    torch.save(task.export(result.model, result.metrics), path)
    predictor = KeywordPredictor(path).load()
    assert predictor.threshold == pytest.approx(result.metrics["val/threshold"])
    images = [Image.open(r.path) for r in val[:7]]
    vectors = predictor.output_vectors(images)
    assert [v.shape[1] for v in vectors] == [6] * 7
    assert all(v.dtype == np.float32 for v in vectors)
    np.testing.assert_allclose(np.linalg.norm(np.concatenate(vectors), axis=1), 1.0, rtol=1e-5)
    counts = [len(v) for v in vectors]
    assert counts[6] > counts[0]  # red+green+blue gets more vectors than red alone

    suggested = predictor.predict_keywords(images)
    assert {w for w, _ in suggested[0]} == {"red"}
    assert {w for w, _ in suggested[6]} == {"red", "green", "blue"}
    scores = [s for found in suggested for _, s in found]
    assert all(-1.0 <= s <= 1.0 for s in scores)
    # A word it was never trained on comes back through the word space.
    words = list(VECTORS)
    found = predictor.predict_keywords(images[:1], np.asarray(list(VECTORS.values())), words, k_per_output=2)
    assert [w for w, _ in found[0]] == ["red", "crimson"]
    assert predictor.word_scores(images).shape == (7, 3)


def test_bce_baseline_learns_and_predicts(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    train, val = data
    task = BceTask(BceConfig("tiny-cnn", 32), train, val)
    result = fit(task, LOOP)
    assert result.metrics["val/f1"] > 0.8, result.metrics
    path = tmp_path / "bce.pt"
    torch.save(task.export(result.model, result.metrics), path)
    predictor = BcePredictor(path).load()
    found = predictor.predict_keywords([Image.open(val[6].path)])
    assert {w for w, _ in found[0]} == {"red", "green", "blue"}
    with pytest.raises(ValueError, match="not a 'keywords' model"):
        KeywordPredictor(path).load()


def test_keywords_without_vectors_are_dropped_or_refused(data) -> None:  # type: ignore[no-untyped-def]
    train, val = data
    partial = {"red": VECTORS["red"], "green": VECTORS["green"]}
    task = KeywordsTask(KeywordsConfig("tiny-cnn", 32), partial, train, val)
    assert task.vocab.words == ("green", "red")
    task.build_model()
    assert any("1 keywords have no word vector: blue" in note for note in task.notes())
    with pytest.raises(ValueError, match=r"no keyword has a word vector.*blue, green, red"):
        KeywordsTask(KeywordsConfig("tiny-cnn", 32), {"other": [1.0]}, train, val)


def test_keyword_ml_code_imports_no_web_database_or_queue_library() -> None:
    code = (
        "import sys\n"
        "import mireru.ml.keyword_estimation.task, mireru.ml.keyword_estimation.inference\n"
        "import mireru.ml.keyword_estimation.baseline\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'sqlalchemy', 'rq', 'redis')\n"
        "             or m.startswith(('mireru.models', 'mireru.db', 'mireru.training',\n"
        "                              'mireru.words')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
