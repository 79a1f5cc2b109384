"""The `keywords` kind: an image -> a variable number of word vectors, so an item gets keywords
(also words never used as a label) and images can be searched by words.

Its targets are the items' keywords placed in the project's active word model: the run's
snapshot step gives `TrainingData.word_vectors` ({keyword: vector}); a keyword with no vector
there is left out of the targets (the run log names them). Its versions produce predictions.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from mireru.kinds.base import BackboneParams, KindSpec, Target, TrainingData, backbone_presets

if TYPE_CHECKING:
    from mireru.ml.keyword_estimation.inference import KeywordPredictor
    from mireru.ml.train.task import TrainTask


class KeywordsParams(BackboneParams):
    """A backbone and a head of n output vectors in the word-vector space, trained by pairing
    outputs with keyword vectors; outputs left over learn the zero vector."""

    model_config = ConfigDict(extra="forbid", title="keywords parameters")

    num_outputs: int = Field(
        default=8, ge=1, le=256, description="Output vectors per image: the most keywords one image can get."
    )
    pairing: Literal["greedy", "hungarian"] = Field(
        default="greedy",
        description="How outputs are paired with an image's keywords: greedy (shortest distance "
        "first, as the method was described) or hungarian (least total distance).",
    )
    leftover_weight: float = Field(
        default=1.0, ge=0, le=100, description="Weight of pushing unpaired outputs to the zero vector."
    )


def _target(params: KeywordsParams) -> Target:
    return "keyword"


def _records(paths: list[tuple[str, int]], extras: list[dict[str, Any]]) -> list[Any]:
    from mireru.ml.keyword_estimation.data import KeywordRecord

    if len(extras) != len(paths):
        raise ValueError("the dataset snapshot has no keywords for its items; start a new run")
    return [
        KeywordRecord(path, tuple(str(k) for k in extra.get("keywords", [])))
        for (path, _), extra in zip(paths, extras, strict=True)
    ]


def _build_task(params: KeywordsParams, data: TrainingData) -> "TrainTask":
    from mireru.ml.keyword_estimation.task import KeywordsConfig, KeywordsTask, missing_note

    train = _records(data.train, list(getattr(data, "train_extras", [])))
    val = _records(data.val, list(getattr(data, "val_extras", [])))
    vectors: dict[str, list[float]] | None = getattr(data, "word_vectors", None)
    if not vectors:
        used = sorted({k for r in [*train, *val] for k in r.keywords})
        raise ValueError(
            "the keywords kind needs word vectors for the keywords, from the project's active word "
            f"model (train or import one, then activate it); {missing_note(used)}"
        )
    config = KeywordsConfig(
        base_model=params.base_model,
        image_size=params.image_size,
        num_outputs=params.num_outputs,
        pairing=params.pairing,
        leftover_weight=params.leftover_weight,
        backbone_lr_scale=params.backbone_lr_scale,
    )
    return KeywordsTask(config, vectors, train, val)


def _load(path: Path, device: str) -> "KeywordPredictor":
    from mireru.ml.keyword_estimation.inference import KeywordPredictor

    return KeywordPredictor(path, device).load()


def _load_any(path: Path, device: str) -> Any:
    return _load(path, device)


SPEC = KindSpec(
    kind="keywords",
    title="Keywords (image -> word vectors)",
    description="Learns to place each image near the word vectors of its keywords with n output "
    "vectors; outputs whose length passes a threshold chosen on validation data become keywords "
    "(their nearest words), so images get a varying number of keywords, including words never "
    "used as a label. Needs an active word model in the project.",
    produces="prediction",
    params_model=KeywordsParams,
    target=_target,
    build_task=_build_task,
    load_inference=_load_any,
    needs_word_vectors=True,
    presets=backbone_presets(),
)
