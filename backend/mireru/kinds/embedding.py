"""The `embedding` kind: fine-tune an image backbone into a metric embedding for search.

Its versions produce vectors: deploying one re-embeds the project into a new search space.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from mireru.kinds.base import BackboneParams, KindSpec, Target, TrainingData, backbone_presets

if TYPE_CHECKING:
    from mireru.ml.embedding_net.inference import TrainedEmbedder
    from mireru.ml.train.task import TrainTask


class EmbeddingParams(BackboneParams):
    """Fine-tune a backbone with a projection head (normalised-softmax loss over class proxies)."""

    model_config = ConfigDict(extra="forbid", title="embedding parameters")

    embedding_dim: int = Field(default=128, ge=8, le=4096, description="Length of the output vectors.")
    target: Literal["label", "identity", "identity_or_label"] = Field(
        default="label",
        description="What makes two images 'the same': their class label, their identity, or the "
        "identity where an item has one and its label otherwise.",
    )
    temperature: float = Field(default=0.05, ge=0.001, le=1.0, description="Softmax temperature.")


def _target(params: EmbeddingParams) -> Target:
    return params.target


def _build_task(params: EmbeddingParams, data: TrainingData) -> "TrainTask":
    from mireru.ml.embedding_net.task import EmbeddingConfig, EmbeddingTask
    from mireru.ml.train.data import Record

    config = EmbeddingConfig(
        base_model=params.base_model,
        image_size=params.image_size,
        embedding_dim=params.embedding_dim,
        temperature=params.temperature,
        backbone_lr_scale=params.backbone_lr_scale,
        classes=tuple(data.classes),
    )
    train = [Record(path, target) for path, target in data.train]
    val = [Record(path, target) for path, target in data.val]
    return EmbeddingTask(config, train, val)


def _load(path: Path, device: str) -> "TrainedEmbedder":
    from mireru.ml.embedding_net.inference import TrainedEmbedder

    return TrainedEmbedder(path, device).load()


def _load_any(path: Path, device: str) -> Any:
    return _load(path, device)


SPEC = KindSpec(
    kind="embedding",
    title="Embedding (similar-image search)",
    description="Fine-tunes an image backbone so that images with the same label (or identity) get "
    "nearby vectors; deploying a version re-embeds the project and switches search to it.",
    produces="embedding",
    params_model=EmbeddingParams,
    target=_target,
    build_task=_build_task,
    load_inference=_load_any,
    presets=backbone_presets(),
)
