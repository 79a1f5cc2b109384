"""How keyword suggestions are scored (the task's validation and the benchmark use the same code).

- Ranked, at a fixed k: each image's vocabulary words ranked by score; with T its true set and
  K its top k, precision@k = |K ∩ T| / k, recall@k = |K ∩ T| / |T|, f1@k = the harmonic mean of
  the two for that image; each is the mean over images that have at least one true keyword.
- Sets (what a user is shown): precision/recall/F1 of the predicted set per image (an empty
  prediction for an image with no keyword scores 1), and count error = the mean of
  |predicted count - true count|.

A set is described by "strength" (N, n) and "word" (N, n): output j of image i stands for
vocabulary word word[i, j] when strength[i, j] > threshold (the keyword network: output norms and
each output's nearest word; the classifier: probabilities and the word of each column). Several
outputs of one image naming the same word count once.
"""

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class RankedScores:
    precision: float
    recall: float
    f1: float


def at_k(scores: torch.Tensor, truth: torch.Tensor, k: int) -> RankedScores:
    """scores, truth: (N, V). Images without a true keyword are left out."""
    has = truth.any(dim=1)
    if not bool(has.any()):
        return RankedScores(0.0, 0.0, 0.0)
    scores, truth = scores[has].float(), truth[has]
    k = min(k, scores.shape[1])
    top = scores.topk(k, dim=1).indices
    hits = truth.gather(1, top).sum(dim=1).float()
    precision = hits / k
    recall = hits / truth.sum(dim=1).float()
    f1 = torch.where(hits > 0, 2 * precision * recall / (precision + recall).clamp_min(1e-12), 0.0)
    return RankedScores(float(precision.mean()), float(recall.mean()), float(f1.mean()))


def first_occurrence(strength: torch.Tensor, word: torch.Tensor) -> torch.Tensor:
    """(N, n) bool: True where an output names a word that no stronger output of the same image
    names, so a word is counted once, when its strongest output passes the threshold."""
    order = strength.argsort(dim=1, descending=True)
    ranked = word.gather(1, order)
    n = word.shape[1]
    earlier = torch.ones(n, n, dtype=torch.bool, device=word.device).tril(diagonal=-1)
    repeated = ((ranked[:, :, None] == ranked[:, None, :]) & earlier).any(dim=2)
    new = torch.empty_like(repeated)
    new.scatter_(1, order, ~repeated)
    return new


@dataclass(frozen=True)
class SetCounts:
    """Per image: predicted distinct words, true positives, true words."""

    predicted: torch.Tensor
    hits: torch.Tensor
    true: torch.Tensor

    def f1(self) -> torch.Tensor:
        denominator = self.predicted + self.true
        return torch.where(denominator > 0, 2 * self.hits / denominator.clamp_min(1), 1.0)

    def mean_f1(self) -> float:
        return float(self.f1().mean()) if self.true.numel() else 0.0

    def precision(self) -> float:
        return float(self.hits.sum() / self.predicted.sum().clamp_min(1))

    def recall(self) -> float:
        return float(self.hits.sum() / self.true.sum().clamp_min(1))

    def count_error(self) -> float:
        return float((self.predicted - self.true).abs().mean()) if self.true.numel() else 0.0


class SetEvaluator:
    """Counts for any threshold, with the per-output work done once."""

    def __init__(self, strength: torch.Tensor, word: torch.Tensor | None, truth: torch.Tensor) -> None:
        """word None: output j names word j (the classifier's columns), all distinct."""
        self.strength = strength.float()
        if word is None:
            self.new = torch.ones_like(self.strength, dtype=torch.bool)
            self.correct = truth.clone()
        else:
            self.new = first_occurrence(self.strength, word)
            self.correct = truth.gather(1, word)
        self.true = truth.sum(dim=1).float()

    def counts(self, threshold: float) -> SetCounts:
        kept = (self.strength > threshold) & self.new
        return SetCounts(kept.sum(dim=1).float(), (kept & self.correct).sum(dim=1).float(), self.true)
