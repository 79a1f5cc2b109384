"""The `detector` kind: a torchvision object detector (Faster R-CNN, RetinaNet, SSDlite, or a
tiny one for tests) trained from the project's boxes, validated by mAP.

Its versions produce predictions: deploying one makes it what the detect endpoint, batch box
suggestions and detect-then-retrieve crops use.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field, field_validator

from mireru.kinds.base import CommonParams, KindSpec, Preset, Target, TrainingData

if TYPE_CHECKING:
    from mireru.ml.detect.inference import DetectorPredictor
    from mireru.ml.train.task import TrainTask

# Mirrors mireru.ml.detect.models.MODELS (kept here so the API need not import torch).
DetectorModel = Literal[
    "fasterrcnn_mobilenet_v3_large_320_fpn",
    "fasterrcnn_mobilenet_v3_large_fpn",
    "fasterrcnn_mobilenet_v2_fpn",
    "retinanet_resnet50_fpn",
    "ssdlite320_mobilenet_v3_large",
    "tiny",
]
# Its MobileNetV2 backbone's ImageNet weights ship with Mireru, so "auto" finds them offline.
DEFAULT_MODEL: DetectorModel = "fasterrcnn_mobilenet_v2_fpn"
WEIGHTS = re.compile(r"^(auto|none|[A-Za-z0-9_]+|[/.~].*)$")


class DetectorParams(CommonParams):
    """Train an object detector on the project's boxes."""

    model_config = ConfigDict(extra="forbid", title="detector parameters")

    model: DetectorModel = Field(
        default=DEFAULT_MODEL,
        description="torchvision detector: Faster R-CNN with a MobileNetV2 FPN (the default: its "
        "ImageNet backbone ships with Mireru, so it trains from pretrained weights offline), Faster "
        "R-CNN with a MobileNetV3-Large FPN (320: fast, low resolution), RetinaNet ResNet-50 FPN, "
        "SSDlite MobileNetV3-Large (these three start from random weights unless their ImageNet "
        "weights are on the worker or it is online); tiny: a small random-init FCOS, for tests only.",
    )
    pretrained_backbone: str = Field(
        default="auto",
        max_length=500,
        description="Backbone ImageNet weights: auto (torchvision's weights when this machine has "
        "them, else random init; for the default model the MobileNetV2 weights that ship with "
        "Mireru), none, a torchvision weights tag (IMAGENET1K_V1, DEFAULT; "
        "downloaded if missing and online) or the path of a state-dict file on the worker.",
        examples=["auto", "none", "IMAGENET1K_V1", "/models/mobilenet_v3_large-8738ca79.pth"],
    )
    trainable_backbone_layers: int | None = Field(
        default=None,
        ge=0,
        le=6,
        description="With a pretrained backbone: how many of its last stages train (torchvision's "
        "default when empty; up to 5 for ResNet, 6 for MobileNet). A random backbone trains all.",
    )
    image_size: int = Field(
        default=320,
        ge=32,
        le=1333,
        description="Longer image side in pixels the model sees (SSDlite: the square it sees); "
        "boxes are scaled with the image and predictions mapped back to original pixels. 320 keeps "
        "CPU runs quick and objects of a tenth of the image or more detectable; the accurate "
        "preset's 512 finds smaller ones.",
    )
    batch_size: int = Field(default=8, ge=1, le=256, description="Images per step (per GPU).")
    lr: float = Field(
        default=2e-3, gt=0, le=10, description="Peak learning rate (AdamW) for a random-init detector."
    )
    pretrained_lr_scale: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="With ImageNet backbone weights (frozen batch norm) the detector trains at lr x "
        "this: the new heads diverge at from-scratch rates on the pretrained features.",
    )
    epochs: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Passes over the training images. 10 gives the new detection heads on a "
        "pretrained backbone time to learn a few hundred images' boxes while a CPU run stays within "
        "tens of minutes (a Faster R-CNN step is several times a classifier's).",
    )
    warmup_epochs: int = Field(default=1, ge=0, le=100, description="Linear warm-up from 0 to lr.")
    grad_clip_norm: float | None = Field(
        default=10.0, gt=0, description="Clip the gradient norm (detection losses spike early on)."
    )
    hflip: float = Field(default=0.5, ge=0, le=1, description="Probability of a horizontal flip.")
    vflip: float = Field(
        default=0.0, ge=0, le=1, description="Probability of a vertical flip (top-down views)."
    )
    score_threshold: float = Field(
        default=0.5, ge=0, le=1, description="Prediction default: the lowest score a box is kept at."
    )
    nms_iou: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Prediction default: IoU above which a box of the same "
        "class with a lower score is suppressed.",
    )
    max_detections: int = Field(
        default=100, ge=1, le=1000, description="Prediction default: boxes kept per image."
    )

    @field_validator("pretrained_backbone")
    @classmethod
    def _known_form(cls, value: str) -> str:
        value = value.strip()
        if not WEIGHTS.match(value):
            raise ValueError("use auto, none, a torchvision weights tag or a file path")
        return value

    @property
    def base(self) -> str:
        return (
            self.model if self.pretrained_backbone == "none" else f"{self.model}@{self.pretrained_backbone}"
        )


def _target(params: DetectorParams) -> Target:
    return "box"


def _build_task(params: DetectorParams, data: TrainingData) -> "TrainTask":
    from mireru.ml.detect.data import box_records
    from mireru.ml.detect.task import DetectorTask, DetectorTaskConfig

    config = DetectorTaskConfig(
        model=params.model,
        classes=tuple(data.classes),
        image_size=params.image_size,
        pretrained_backbone=params.pretrained_backbone,
        trainable_backbone_layers=params.trainable_backbone_layers,
        hflip=params.hflip,
        vflip=params.vflip,
        pretrained_lr_scale=params.pretrained_lr_scale,
        score_threshold=params.score_threshold,
        nms_iou=params.nms_iou,
        max_detections=params.max_detections,
    )
    train = box_records([path for path, _ in data.train], data.train_extras)
    val = box_records([path for path, _ in data.val], data.val_extras)
    return DetectorTask(config, train, val)


def _load(path: Path, device: str) -> "DetectorPredictor":
    from mireru.ml.detect.inference import DetectorPredictor

    return DetectorPredictor(path, device).load()


def _load_any(path: Path, device: str) -> Any:
    return _load(path, device)


SPEC = KindSpec(
    kind="detector",
    title="Detector (boxes and classes)",
    description="Trains a torchvision object detector (Faster R-CNN, RetinaNet, SSDlite) on the "
    "project's boxes, validated by mAP@0.5 and mAP@[.5:.95]; deploying a version serves detect "
    "predictions, box suggestions and detected crops as searchable items.",
    produces="prediction",
    params_model=DetectorParams,
    target=_target,
    build_task=_build_task,
    load_inference=_load_any,
    min_targets=1,
    presets=(
        Preset(
            "fast",
            "A quick look: 256 px and 4 epochs, about a quarter of the defaults' time; large objects only.",
            {"image_size": 256, "epochs": 4},
        ),
        Preset(
            "accurate",
            "512 px (the MobileNetV2 FPN's own size, for smaller objects) and up to 24 epochs, "
            "stopping early once validation mAP stops improving for 5; several times the defaults' "
            "time.",
            {"image_size": 512, "epochs": 24, "early_stopping_patience": 5},
        ),
    ),
)
