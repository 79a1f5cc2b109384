"""`mireru bench detect`: each detection model trained and evaluated on the same generated scene
set with exact boxes (real photographs as backgrounds, handwritten digits as objects; see
mireru.ml.detect.scenes), through the `detector` kind's task and its inference class.

Rows: mAP@0.5 and mAP@[.5:.95] on the validation scenes (COCO-style, in original pixels),
training throughput (training images per second over the whole fit, decoding and augmentation
included) and inference throughput (PIL images in memory -> boxes in original pixels).
"""

import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from mireru.bench.report import Report
from mireru.ml.detect.data import BoxRecord
from mireru.ml.detect.inference import DetectorPredictor
from mireru.ml.detect.metrics import ImageBoxes, mean_average_precision
from mireru.ml.detect.scenes import DEFAULT_DIGITS, Scene, make_scenes
from mireru.ml.detect.task import EVAL_SCORE_THRESHOLD, DetectorTask, DetectorTaskConfig
from mireru.ml.train.callbacks import Callback, StartInfo
from mireru.ml.train.device import AmpMode
from mireru.ml.train.loop import LoopConfig, fit

log = logging.getLogger(__name__)

COLUMNS = ["model", "map50", "map", "train_img_s", "infer_img_s"]
DEFAULT_MODELS = ("tiny", "ssdlite320_mobilenet_v3_large")


@dataclass
class DetectBench:
    models: list[str] = field(default_factory=lambda: list(DEFAULT_MODELS))
    train_images: int = 200
    val_images: int = 60
    scene_size: int = 160  # typical longer side of the generated scenes
    image_size: int | None = None  # model input (longer side); default: the scene size
    digits: tuple[int, ...] = DEFAULT_DIGITS
    epochs: int = 12
    batch_size: int = 8
    lr: float = 2e-3
    pretrained_backbone: str = "auto"
    device: str = "cpu"
    amp: AmpMode = "auto"
    num_workers: int = 0
    seed: int = 0


def _records(scenes: list[Scene]) -> list[BoxRecord]:
    return [BoxRecord(s.path, tuple((x, y, w, h, int(c)) for x, y, w, h, c in s.boxes)) for s in scenes]


def _truth(scene: Scene) -> ImageBoxes:
    return ImageBoxes.of(
        [[x, y, x + w, y + h] for x, y, w, h, _ in scene.boxes], [int(b[4]) for b in scene.boxes]
    )


def _found(boxes: list[dict[str, Any]], index: dict[str, int]) -> ImageBoxes:
    corners = [[d["x"], d["y"], d["x"] + d["w"], d["y"] + d["h"]] for d in boxes]
    return ImageBoxes.of(corners, [index[d["label"]] for d in boxes], [d["score"] for d in boxes])


class _Notes(Callback):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def on_start(self, info: StartInfo) -> None:
        self.lines += info.notes


def _model(
    cfg: DetectBench, name: str, classes: list[str], train: list[Scene], val: list[Scene], folder: Path
) -> tuple[dict[str, Any], list[str]]:
    config = DetectorTaskConfig(
        model=name,
        classes=tuple(classes),
        image_size=cfg.image_size or cfg.scene_size,
        pretrained_backbone=cfg.pretrained_backbone,
    )
    # Fixed epochs and no validation during training: every model gets the same budget, and the
    # validation scenes are only seen by the final evaluation below.
    task = DetectorTask(config, _records(train), [])
    loop = LoopConfig(
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        lr=cfg.lr,
        warmup_epochs=1,
        grad_clip_norm=10.0,
        device=cfg.device,
        amp=cfg.amp,
        num_workers=cfg.num_workers,
        seed=cfg.seed,
        measure_baseline=False,  # the bench scores its own starting point
    )
    notes = _Notes()
    started = time.perf_counter()
    result = fit(task, loop, notes)
    train_s = time.perf_counter() - started
    path = folder / f"{name}.pt"
    torch.save(task.export(result.model, result.metrics), path)
    predictor = DetectorPredictor(path, result.device).load()
    images = []
    for scene in val:
        with Image.open(scene.path) as image:
            images.append(image.convert("RGB"))
    predictor.predict(images[:8], score_threshold=EVAL_SCORE_THRESHOLD)  # warm-up
    started = time.perf_counter()
    found = predictor.predict(images, score_threshold=EVAL_SCORE_THRESHOLD)
    if result.device.startswith("cuda"):
        torch.cuda.synchronize()
    infer_s = time.perf_counter() - started
    index = {c: i for i, c in enumerate(classes)}
    detections = [_found(boxes, index) for boxes in found]
    score = mean_average_precision(detections, [_truth(s) for s in val])
    row = {
        "model": name,
        "map50": score.map50,
        "map": score.map,
        "train_img_s": len(train) * cfg.epochs / train_s,
        "infer_img_s": len(images) / infer_s,
    }
    return row, notes.lines


def run(cfg: DetectBench) -> Report:
    size = cfg.image_size or cfg.scene_size
    title = (
        f"mireru bench detect: {cfg.train_images} train / {cfg.val_images} val scenes "
        f"(~{cfg.scene_size} px), "
        f"models at {size} px, {cfg.epochs} epochs, batch {cfg.batch_size}, lr {cfg.lr}, backbone "
        f"{cfg.pretrained_backbone}, on {cfg.device} (amp {cfg.amp})"
    )
    report = Report(title, COLUMNS)
    with tempfile.TemporaryDirectory(prefix="mireru-bench-detect-") as tmp:
        folder = Path(tmp)
        train = make_scenes(
            folder / "train", cfg.train_images, cfg.scene_size, cfg.digits, seed=cfg.seed * 2 + 1
        )
        val = make_scenes(folder / "val", cfg.val_images, cfg.scene_size, cfg.digits, seed=cfg.seed * 2 + 2)
        boxes = sum(len(s.boxes) for s in val.scenes)
        for name in cfg.models:
            log.info("training %s", name)
            row, notes = _model(cfg, name, train.classes, train.scenes, val.scenes, folder)
            report.add(**row)
            report.notes += [f"{name}: {line}" for line in notes]
    report.notes.append(
        f"scenes: scikit-image/scikit-learn photos as backgrounds, {len(train.classes)} digit classes "
        f"({', '.join(train.classes)}), 1-4 per scene, {boxes} boxes in the validation scenes; mAP "
        f"COCO-style (101-point, IoU .50:.95), detections above score {EVAL_SCORE_THRESHOLD}; "
        f"{os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    return report
