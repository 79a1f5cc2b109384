"""Counter-weights for skewed class distributions: loss weights per class, or sampling weights per
example. Both use the "balanced" heuristic: a class's weight is inversely proportional to its
frequency, so every class contributes as much as it would in a balanced dataset."""

from collections import Counter
from collections.abc import Sequence


def balanced_class_weights(targets: Sequence[int], num_classes: int) -> list[float]:
    """n / (classes present x count of the class); 0 for classes with no training example."""
    counts = Counter(targets)
    present = sum(1 for c in range(num_classes) if counts[c])
    if not present:
        raise ValueError("no training targets")
    n = len(targets)
    return [n / (present * counts[c]) if counts[c] else 0.0 for c in range(num_classes)]


def balanced_sample_weights(targets: Sequence[int]) -> list[float]:
    """One weight per example, 1 / count of its class: each class is drawn equally often."""
    counts = Counter(targets)
    return [1.0 / counts[t] for t in targets]
