"""Choosing the presence threshold on validation data: the value of output strength (the keyword
network: an output's norm; the classifier: a probability) above which an output becomes a
suggested keyword, picked to maximise the mean per-image F1 of the predicted keyword sets.

Candidates are quantiles of the observed strengths (so the search costs the same for any data
size) plus one below them all; among equally good candidates the middle one is kept, which sits
inside the plateau rather than on its edge.
"""

from dataclasses import dataclass

import torch

from mireru.ml.keyword_estimation.metrics import SetEvaluator

CANDIDATES = 256
DEFAULT_THRESHOLD = 0.5  # without validation data: halfway between a leftover (0) and a keyword (1)


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    f1: float


def candidate_thresholds(strength: torch.Tensor, count: int = CANDIDATES) -> torch.Tensor:
    values = strength.detach().float().flatten()
    if values.numel() > 1_000_000:  # torch.quantile refuses very large inputs; a sample suffices
        generator = torch.Generator(device="cpu").manual_seed(0)
        values = values[torch.randperm(values.numel(), generator=generator)[:1_000_000].to(values.device)]
    quantiles = torch.quantile(values, torch.linspace(0, 1, count, device=values.device))
    below = values.min().reshape(1) - 1e-6
    found: torch.Tensor = torch.unique(torch.cat([below, quantiles]))
    return found


def choose_threshold(
    strength: torch.Tensor, word: torch.Tensor | None, truth: torch.Tensor, count: int = CANDIDATES
) -> ThresholdChoice:
    """strength (N, n), word (N, n) vocabulary indices or None (output j is word j), truth (N, V)."""
    if strength.numel() == 0:
        return ThresholdChoice(DEFAULT_THRESHOLD, 0.0)
    evaluator = SetEvaluator(strength, word, truth)
    candidates = candidate_thresholds(strength, count).tolist()
    scores = [evaluator.counts(t).mean_f1() for t in candidates]
    best = max(scores)
    tied = [t for t, s in zip(candidates, scores, strict=True) if s >= best - 1e-9]
    return ThresholdChoice(float(tied[len(tied) // 2]), best)
