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


class BackboneParams(CommonParams):
    """Parameters of kinds built on an image backbone (a tiny CNN, torchvision or open_clip)."""

    base_model: str = Field(
        default="tiny-cnn",
        max_length=300,
        description="tiny-cnn (random init; tests and CPU demos), or '<family>:<name>[@<weights>]', "
        "e.g. torchvision:mobilenet_v2@IMAGENET1K_V1 or open_clip:ViT-B-32@openai (no @weights: "
        "random init)",
        examples=["tiny-cnn", "torchvision:mobilenet_v2@IMAGENET1K_V1", "open_clip:ViT-B-32@openai"],
    )
    backbone_lr_scale: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Backbone learning rate as a multiple of lr (0.1 for pretrained).",
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

    @property
    def slot(self) -> str:
        """Where a deployed version goes: every embedding producer feeds search, so they share
        one slot; each prediction kind has its own."""
        return EMBEDDING_SLOT if self.produces == "embedding" else self.kind

    def params_schema(self) -> dict[str, Any]:
        return self.params_model.model_json_schema()

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
