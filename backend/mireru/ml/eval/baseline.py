"""Comparing a run with its starting point, and noticing a collapsed embedding.

`baseline/*` metrics are a task's `val/*` metrics measured on the untrained network before the
first step (the pretrained backbone with a fresh head), so every curve and model version shows
what training gained. A collapse is an embedding that maps every image to nearly the same
vector: search then ranks at random while each score looks high (0.99 and up), which the mean
pairwise cosine similarity of the validation vectors (`val/mean_cosine`) makes visible.
"""

import math

import numpy as np

VAL, BASELINE = "val/", "baseline/"
MEAN_COSINE = "mean_cosine"
# Above this mean pairwise cosine similarity the vectors are called collapsed: a pretrained
# ImageNet backbone's features of unrelated photos stay well below it.
COLLAPSE_COSINE = 0.95


def as_baseline(metrics: dict[str, float]) -> dict[str, float]:
    """`val/x` -> `baseline/x`; other metrics (losses of the training pass, timings) and values
    undefined on this data (NaN) are dropped."""
    return {
        BASELINE + k.removeprefix(VAL): v
        for k, v in metrics.items()
        if k.startswith(VAL) and math.isfinite(v)
    }


def mean_pairwise_cosine(vectors: np.ndarray) -> float:
    """Mean cosine similarity over all pairs of distinct rows, in O(n·d): for unit vectors the
    sum over pairs is |Σv|² - n."""
    n = len(vectors)
    if n < 2:
        return float("nan")
    v = vectors.astype(np.float64)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    total = v.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))


def collapse_warning(metrics: dict[str, float]) -> str | None:
    """A sentence for the run's log when the validation vectors have collapsed, else None."""
    value = metrics.get(VAL + MEAN_COSINE)
    if value is None or not math.isfinite(value) or value < COLLAPSE_COSINE:
        return None
    return (
        f"the embedding has collapsed: validation images are at mean cosine similarity {value:.3f} "
        f"to each other (above {COLLAPSE_COSINE}), so search would rank them almost at random; "
        "lower the learning rate or backbone_lr_scale, or train fewer epochs"
    )


def below_baseline(
    metrics: dict[str, float], baseline: dict[str, float], monitor: str, mode: str
) -> str | None:
    """A sentence when the kept weights score worse than the starting point on the monitored
    metric (e.g. `val/recall@1` against `baseline/recall@1`), else None."""
    name = BASELINE + monitor.removeprefix(VAL)
    final, start = metrics.get(monitor), baseline.get(name)
    if final is None or start is None or not (math.isfinite(final) and math.isfinite(start)):
        return None
    worse = final < start if mode == "max" else final > start
    if not worse:
        return None
    return (
        f"the trained model scores {monitor} {final:.4g}, worse than the untrained network's "
        f"{start:.4g} it started from: training made it worse"
    )
