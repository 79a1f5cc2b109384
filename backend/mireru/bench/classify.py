"""`mireru bench classify`: image-only against image + measurements on the same split of real
images (scikit-learn's digits with sensor readings, see digits.py), trained through the shared
loop with the `classifier` kind's task and evaluated through its inference class.

Rows: accuracy and macro-F1 on the validation split, training throughput (training images per
second over the whole fit, augmentation and decoding included) and inference throughput (PIL
images in memory -> class probabilities, preprocessing included).
"""

import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from mireru.bench.digits import BenchData, Dataset, Example, build
from mireru.bench.report import Report
from mireru.ml.classify.augment import Preset
from mireru.ml.classify.inference import ClassifierPredictor
from mireru.ml.classify.metrics import classification_report
from mireru.ml.classify.records import ClassifierRecord, measurement_vector
from mireru.ml.classify.task import ClassifierConfig, ClassifierTask
from mireru.ml.train.loop import LoopConfig, fit

log = logging.getLogger(__name__)

COLUMNS = ["method", "accuracy", "macro_f1", "train_img_s", "infer_img_s"]
MEASUREMENT_KEYS = ("temperature_c", "humidity_pct")


@dataclass
class ClassifyBench:
    dataset: Dataset = "digits-limits"
    base_model: str = "tiny-cnn"
    image_size: int = 32
    epochs: int = 20
    batch_size: int = 32
    lr: float = 3e-3
    augmentation: Preset = "light"
    device: str = "cpu"
    seed: int = 0
    limit: int | None = None  # use the first N digits only (quick runs)


def _records(data: list[Example], keys: tuple[str, ...]) -> list[ClassifierRecord]:
    return [ClassifierRecord(e.path, e.target, measurement_vector(e.measurements, keys)) for e in data]


def _method(cfg: ClassifyBench, data: BenchData, keys: tuple[str, ...], folder: Path) -> dict[str, object]:
    config = ClassifierConfig(
        base_model=cfg.base_model,
        image_size=cfg.image_size,
        classes=tuple(data.classes),
        measurement_keys=keys,
        augmentation=cfg.augmentation,
        dropout=0.1,
    )
    # Fixed epochs, no validation during training: both methods get the same budget, and the
    # validation split is only ever seen by the final evaluation below.
    task = ClassifierTask(config, _records(data.train, keys), [])
    loop = LoopConfig(
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        lr=cfg.lr,
        device=cfg.device,
        num_workers=0,
        seed=cfg.seed,
        measure_baseline=False,  # the bench scores its own starting point
    )
    started = time.perf_counter()
    result = fit(task, loop)
    train_s = time.perf_counter() - started
    path = folder / f"classifier-{len(keys)}.pt"
    torch.save(task.export(result.model, result.metrics), path)
    predictor = ClassifierPredictor(path, result.device).load()
    images = [e.image for e in data.val]
    readings = [e.measurements for e in data.val] if keys else None
    predictor.probabilities(images[:32], readings[:32] if readings else None)  # warm-up
    started = time.perf_counter()
    probs = predictor.probabilities(images, readings)
    infer_s = time.perf_counter() - started
    report = classification_report([e.target for e in data.val], probs.argmax(axis=1), len(data.classes))
    return {
        "method": "image+measurements" if keys else "image",
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "train_img_s": len(data.train) * cfg.epochs / train_s,
        "infer_img_s": len(images) / infer_s,
    }


def run(cfg: ClassifyBench) -> Report:
    title = (
        f"mireru bench classify: {cfg.dataset}, {cfg.base_model} {cfg.image_size}px, {cfg.epochs} epochs, "
        f"batch {cfg.batch_size}, augmentation {cfg.augmentation}, on {cfg.device}"
    )
    report = Report(title, COLUMNS)
    with tempfile.TemporaryDirectory(prefix="mireru-bench-classify-") as tmp:
        folder = Path(tmp)
        data = build(folder / "images", cfg.dataset, cfg.image_size, cfg.seed, limit=cfg.limit)
        report.notes += data.notes
        for keys in ((), MEASUREMENT_KEYS):
            log.info("training %s", "image+measurements" if keys else "image only")
            report.add(**_method(cfg, data, keys, folder))
    majority = max(np.bincount([e.target for e in data.val])) / len(data.val)
    report.notes.append(
        f"measurements: {', '.join(MEASUREMENT_KEYS)} (standardised with training statistics); "
        f"majority-class accuracy {majority:.3f}; {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )
    return report
