"""Tiny classifiers trained end to end on the CPU through the shared loop, exported and loaded
back for inference: image classes, measurement fusion, normalisation statistics."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.classify.inference import ClassifierPredictor
from mireru.ml.classify.records import ClassifierRecord, measurement_vector
from mireru.ml.classify.task import (
    MAX_CONFUSION_IN_CONFIG,
    ClassifierConfig,
    ClassifierTask,
    confusion_metrics,
)
from mireru.ml.train.loop import LoopConfig, fit

CHANNELS = {"red": 0, "green": 1, "blue": 2}


def coloured(path: Path, channel: int | None, seed: int) -> str:
    """A noisy 32-px image; with a channel, that channel dominates (the class)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, size=(32, 32, 3), dtype=np.uint8)
    if channel is not None:
        pixels[..., channel] += 150
    Image.fromarray(pixels).save(path)
    return str(path)


def train_and_load(
    tmp_path: Path,
    config: ClassifierConfig,
    train: list[ClassifierRecord],
    val: list[ClassifierRecord],
    epochs: int = 6,
    lr: float = 0.01,
) -> tuple[ClassifierPredictor, dict[str, float], dict[str, Any]]:
    task = ClassifierTask(config, train, val)
    loop = LoopConfig(epochs=epochs, batch_size=16, lr=lr, device="cpu", num_workers=0, seed=0)
    result = fit(task, loop)
    bundle = task.export(result.model, result.metrics)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "model.pt"
    torch.save(bundle, path)
    return ClassifierPredictor(path).load(), result.metrics, bundle


def config(classes: list[str], keys: tuple[str, ...] = (), **over: Any) -> ClassifierConfig:
    base: dict[str, Any] = {
        "base_model": "tiny-cnn",
        "image_size": 32,
        "classes": tuple(classes),
        "measurement_keys": keys,
        "augmentation": "none",
        "dropout": 0.0,
    }
    return ClassifierConfig(**{**base, **over})


def val_accuracy(
    predictor: ClassifierPredictor, records: list[ClassifierRecord], readings: list[dict[str, float]] | None
) -> float:
    images = [Image.open(r.path) for r in records]
    top = predictor.predict(images, readings, top_k=1)
    names = predictor.classes
    return float(np.mean([t[0][0] == names[r.target] for t, r in zip(top, records, strict=True)]))


def test_a_tiny_classifier_learns_colour_classes_well_above_chance(tmp_path: Path) -> None:
    classes = sorted(CHANNELS)
    records = [
        ClassifierRecord(coloured(tmp_path / f"{name}{i}.png", CHANNELS[name], i * 3 + c), c)
        for c, name in enumerate(classes)
        for i in range(24)
    ]
    train, val = records[::2] + records[1::4], records[3::4]
    predictor, metrics, bundle = train_and_load(
        tmp_path, config(classes, augmentation="inspection", class_weighting="balanced"), train, val
    )
    assert metrics["val/accuracy"] > 0.8  # chance is 1/3
    assert metrics["val/macro_f1"] > 0.8
    for name in classes:
        assert 0.0 <= metrics[f"val/precision/{name}"] <= 1.0
        assert f"val/recall/{name}" in metrics
    evaluation = bundle["evaluation"]
    assert np.asarray(evaluation["confusion_matrix"]).sum() == len(val)
    assert np.asarray(evaluation["confusion_matrix"]).shape == (3, 3)
    assert evaluation["per_class"][0]["class"] == "blue"
    assert bundle["config"]["evaluation"]["confusion_matrix"] == evaluation["confusion_matrix"]
    assert predictor.classes == classes
    assert predictor.measurement_keys == []
    top = predictor.predict([Image.open(val[0].path)], top_k=5)[0]
    assert top[0][0] == classes[val[0].target]
    assert len(top) == 3  # top_k is capped at the number of classes
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True)
    assert sum(probs) == pytest.approx(1.0, abs=1e-4)
    assert val_accuracy(predictor, val, None) > 0.8


def xor_records(tmp_path: Path, n: int, offset: int) -> tuple[list[ClassifierRecord], list[dict[str, float]]]:
    """Class "fault" when (image is red) XOR (pressure above 1000): the image alone or the reading
    alone says nothing about the class; only both together do. Pressures are on a raw scale far from
    0 (1000 +- 50), so the model must use the saved normalisation to read them."""
    rng = np.random.default_rng(offset)
    records, readings = [], []
    for i in range(n):
        red = i % 2 == 0
        high = (i // 2) % 2 == 0
        pressure = 1000.0 + (1 if high else -1) * float(rng.uniform(10, 50))
        path = coloured(tmp_path / f"x{offset}-{i}.png", 0 if red else 2, offset * 1000 + i)
        reading = {"pressure": pressure, "unused": float(rng.normal())}
        records.append(ClassifierRecord(path, int(red != high), measurement_vector(reading, ("pressure",))))
        readings.append(reading)
    return records, readings


def test_fusion_solves_a_task_only_solvable_with_the_measurements(tmp_path: Path) -> None:
    classes = ["fault", "ok"][::-1]  # index 1 = fault
    train, _ = xor_records(tmp_path, 96, 1)
    val, val_readings = xor_records(tmp_path, 48, 2)
    fused, fused_metrics, _ = train_and_load(
        tmp_path / "fused", config(classes, ("pressure",)), train, val, epochs=12
    )
    assert fused_metrics["val/accuracy"] > 0.85
    assert val_accuracy(fused, val, val_readings) > 0.85
    assert fused.measurement_keys == ["pressure"]

    image_only = [ClassifierRecord(r.path, r.target) for r in train]
    image_val = [ClassifierRecord(r.path, r.target) for r in val]
    plain, plain_metrics, _ = train_and_load(
        tmp_path / "plain", config(classes), image_only, image_val, epochs=12
    )
    assert plain_metrics["val/accuracy"] < 0.7  # chance is 0.5: the image cannot tell
    assert plain.measurement_keys == []


def test_normalisation_statistics_are_saved_and_used_at_inference(tmp_path: Path) -> None:
    classes = ["high", "low"]
    train, readings = [], []
    rng = np.random.default_rng(0)
    for i in range(64):
        high = i % 2 == 0
        value = 1000.0 + (1 if high else -1) * float(rng.uniform(10, 50))
        path = coloured(tmp_path / f"n{i}.png", None, i)  # noise: the image says nothing
        train.append(ClassifierRecord(path, 0 if high else 1, (value,)))
        readings.append(value)
    predictor, _, bundle = train_and_load(
        tmp_path, config(classes, ("pressure",)), train, train[:16], epochs=10
    )
    mean, std = float(np.mean(readings)), float(np.std(readings))
    assert bundle["config"]["measurement_mean"] == pytest.approx([mean])
    assert bundle["config"]["measurement_std"] == pytest.approx([std])
    encoder = predictor.net.measurements
    assert encoder is not None
    assert float(encoder.mean[0]) == pytest.approx(mean, rel=1e-5)  # travelled in the state dict
    assert float(encoder.std[0]) == pytest.approx(std, rel=1e-4)

    noise = [Image.open(train[0].path)] * 2
    top = predictor.predict(noise, [{"pressure": 1045.0}, {"pressure": 955.0, "other": 3.0}], top_k=1)
    assert [t[0][0] for t in top] == ["high", "low"]
    # Readings the item lacks are imputed (the mean plus a missing flag), never an error.
    assert len(predictor.predict(noise, [{}, {"pressure": float("nan")}])) == 2
    assert len(predictor.predict(noise)) == 2
    with pytest.raises(ValueError, match="measurement sets"):
        predictor.predict(noise, [{"pressure": 1.0}])
    assert predictor.predict([]) == []


def test_the_task_checks_its_records(tmp_path: Path) -> None:
    path = coloured(tmp_path / "a.png", 0, 0)
    with pytest.raises(ValueError, match="measurements"):
        ClassifierTask(config(["a", "b"], ("x",)), [ClassifierRecord(path, 0)], [])
    with pytest.raises(ValueError, match="out of range"):
        ClassifierTask(config(["a", "b"]), [ClassifierRecord(path, 2)], [])
    with pytest.raises(ValueError, match="no training items"):
        ClassifierTask(config(["a", "b"]), [], [])


def test_balanced_sampling_and_a_skewed_set_still_train(tmp_path: Path) -> None:
    records = [
        ClassifierRecord(coloured(tmp_path / f"s{i}.png", 0 if i < 40 else 2, i), 0 if i < 40 else 1)
        for i in range(48)
    ]
    task = ClassifierTask(config(["red", "blue"], sampler="balanced"), records, records[36:])
    weights = task.sample_weights()
    assert weights is not None
    assert sum(w for w, r in zip(weights, records, strict=True) if r.target == 1) == pytest.approx(1.0)
    result = fit(task, LoopConfig(epochs=3, batch_size=16, lr=0.01, device="cpu"))
    assert result.metrics["val/recall/blue"] > 0.5


def test_an_open_clip_tower_trains_and_serves_with_measurements(tmp_path: Path, tiny_clip: str) -> None:
    """The backbone factory's other families work under the head too (a tiny local open_clip)."""
    records = [
        ClassifierRecord(coloured(tmp_path / f"c{i}.png", 0 if i % 2 else 2, i), i % 2, (float(i),))
        for i in range(12)
    ]
    cfg = config(["blue", "red"], ("reading",), base_model=f"open_clip:{tiny_clip}", pretrained=False)
    predictor, metrics, bundle = train_and_load(tmp_path, cfg, records, records[:4], epochs=1)
    assert "val/macro_f1" in metrics
    assert bundle["config"]["feature_dim"] > 0
    (top,) = predictor.predict([Image.open(records[0].path)], [{"reading": 3.0}], top_k=1)
    assert top[0][0] in {"blue", "red"}


def test_confusion_cells_are_metrics_non_zero_only_and_bounded() -> None:
    confusion = np.array([[3, 1, 0], [0, 2, 0], [0, 0, 0]])
    assert confusion_metrics(confusion, ["cat", "dog", "owl"]) == {
        "val/confusion/cat/cat": 3.0,
        "val/confusion/cat/dog": 1.0,
        "val/confusion/dog/dog": 2.0,
    }
    many = [f"c{i}" for i in range(MAX_CONFUSION_IN_CONFIG + 1)]
    assert confusion_metrics(np.eye(len(many), dtype=np.int64), many) == {}


def test_the_validation_metrics_carry_the_confusion_matrix(tmp_path: Path) -> None:
    names = ["red", "green"]
    records = [ClassifierRecord(coloured(tmp_path / f"{i}.png", i % 2, i), i % 2) for i in range(12)]
    task = ClassifierTask(config(names), records[:8], records[8:])
    loop = LoopConfig(epochs=1, batch_size=8, lr=0.01, device="cpu", num_workers=0, seed=0)
    metrics = fit(task, loop).metrics
    cells = {k: v for k, v in metrics.items() if k.startswith("val/confusion/")}
    assert cells
    assert all(v > 0 for v in cells.values())
    assert sum(cells.values()) == 4
    for true in names:
        row = sum(v for k, v in cells.items() if k.split("/")[2] == true)
        assert row == 2
    correct = sum(v for k, v in cells.items() if k.split("/")[2] == k.split("/")[3])
    assert correct / 4 == pytest.approx(metrics["val/accuracy"])
