"""The `triplet` kind: a feature extractor for similar-image search trained on triplets that a
similar-vector search over all training images mines afresh every epoch.

Its versions produce vectors in the same model file layout as the `embedding` kind, so deploying
one re-embeds the project into a new search space the same way.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from mireru.kinds.base import BackboneParams, KindSpec, Target, TrainingData, backbone_presets

if TYPE_CHECKING:
    from mireru.ml.embedding_net.inference import TrainedEmbedder
    from mireru.ml.train.task import TrainTask


class TripletParams(BackboneParams):
    """Triplet margin loss on search-mined triplets (negatives that rank above a positive)."""

    model_config = ConfigDict(extra="forbid", title="triplet parameters")

    embedding_dim: int = Field(default=128, ge=8, le=4096, description="Length of the output vectors.")
    target: Literal["identity", "label", "identity_or_label"] = Field(
        default="identity_or_label",
        description="What makes two images positives: the same identity, the same class label, or the "
        "identity where an item has one and its label otherwise.",
    )
    use_positive_pairs: bool = Field(
        default=True,
        description="Also treat explicit positive pairs (POST /projects/{id}/positive-pairs) as "
        "positives; pairs join groups transitively, and paired items need no identity or label.",
    )
    margin: float = Field(default=0.2, gt=0, le=2, description="Triplet margin on the cosine distance.")
    max_triplets_per_query: int = Field(
        default=5, ge=1, le=100, description="At most this many triplets per query image and epoch."
    )
    semi_hard_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of each query's triplets taken from negatives just below its hardest positive "
        "(within the margin) rather than above it.",
    )
    positive: Literal["random", "hardest"] = Field(
        default="random",
        description="The positive of a mined triplet: the query's least similar one (hardest), or any "
        "positive that the negative outranks (random; steadier with large classes).",
    )
    classification_warmup_epochs: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Epochs of classification loss (a softmax head on the embedding) before search "
        "mining starts, so the first mining round searches a space that already groups the targets "
        "(at most epochs - 1, so that it mines).",
    )
    search_k: int = Field(default=50, ge=1, le=1000, description="Search results examined per query.")
    miner: Literal["exact", "ivf"] = Field(
        default="exact",
        description="Mining search engine: exact (matrix multiply, on the training device) or ivf "
        "(k-means lists, for very large sets on a CPU).",
    )
    ivf_lists: int | None = Field(default=None, ge=1, le=65536, description="IVF lists (default sqrt(n)).")
    ivf_probes: int | None = Field(
        default=None, ge=1, le=65536, description="IVF lists probed per query (default sqrt(lists))."
    )


def _target(params: TripletParams) -> Target:
    return params.target


def _build_task(params: TripletParams, data: TrainingData) -> "TrainTask":
    from mireru.ml.metric.metric_task import MetricConfig
    from mireru.ml.metric.triplet_task import MiningConfig, TripletTask
    from mireru.ml.train.data import Record

    config = MetricConfig(
        base_model=params.base_model,
        image_size=params.image_size,
        embedding_dim=params.embedding_dim,
        backbone_lr_scale=params.backbone_lr_scale,
        classes=tuple(data.classes),
        kind="triplet",
    )
    mining = MiningConfig(
        strategy="search",
        engine=params.miner,
        k=params.search_k,
        max_per_query=params.max_triplets_per_query,
        semi_hard_share=params.semi_hard_share,
        margin=params.margin,
        ivf_lists=params.ivf_lists,
        ivf_probes=params.ivf_probes,
        positive=params.positive,
        classification_warmup_epochs=min(params.classification_warmup_epochs, params.epochs - 1),
    )
    train = [Record(path, target) for path, target in data.train]
    val = [Record(path, target) for path, target in data.val]
    return TripletTask(config, mining, train, val, seed=params.seed)


def _load(path: Path, device: str) -> "TrainedEmbedder":
    from mireru.ml.embedding_net.inference import TrainedEmbedder

    return TrainedEmbedder(path, device).load()


def _load_any(path: Path, device: str) -> Any:
    return _load(path, device)


SPEC = KindSpec(
    kind="triplet",
    title="Triplet network (search-mined triplets)",
    description="Learns a feature extractor for similar-image search from triplets chosen every epoch "
    "by searching all training images: negatives that rank above a positive. Deploying a version "
    "re-embeds the project and switches search to it.",
    produces="embedding",
    params_model=TripletParams,
    target=_target,
    build_task=_build_task,
    load_inference=_load_any,
    presets=backbone_presets(),
)
