"""ClassIndex: the examples of each target (class or identity) as contiguous blocks of one sorted
order, so positives and negatives can be drawn for many anchors at once without Python loops."""

import torch


class ClassIndex:
    """`order` lists example indices grouped by target; target t's block is
    order[start[t] : start[t] + size[t]] and `rank[i]` is example i's place in its block."""

    def __init__(self, targets: torch.Tensor) -> None:
        if targets.ndim != 1:
            raise ValueError(f"targets must be 1-d, got shape {tuple(targets.shape)}")
        self.targets = targets.long().cpu()
        self.n = int(self.targets.numel())
        # Dense class ids 0..C-1, whatever the target values are (negative ids included).
        _, dense = torch.unique(self.targets, return_inverse=True)
        self.dense = dense
        self.num_classes = int(dense.max()) + 1 if self.n else 0
        self.order = torch.argsort(dense, stable=True)
        self.size = torch.bincount(dense, minlength=self.num_classes)
        self.start = torch.cumsum(self.size, 0) - self.size
        self.rank = torch.empty(self.n, dtype=torch.long)
        self.rank[self.order] = torch.arange(self.n) - self.start[dense[self.order]]

    def class_size(self, index: torch.Tensor) -> torch.Tensor:
        """How many examples share each given example's target (itself included)."""
        return self.size[self.dense[index]]

    def has_positive(self) -> torch.Tensor:
        """Examples with at least one other example of their target."""
        return self.size[self.dense] > 1

    def has_negative(self) -> torch.Tensor:
        return self.size[self.dense] < self.n

    def random_positive(self, anchors: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """For each anchor, another example of its target, uniformly (the anchor itself when its
        target has no other example)."""
        cls = self.dense[anchors]
        size = self.size[cls]
        pick = (torch.rand(anchors.numel(), generator=generator) * (size - 1).clamp(min=1)).long()
        pick = pick + (pick >= self.rank[anchors]).long()  # skip the anchor's own place
        pick = torch.where(size > 1, pick, self.rank[anchors])
        return self.order[self.start[cls] + pick]

    def random_negative(self, anchors: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """For each anchor, an example of another target, uniformly (anchors whose target is the
        only one get themselves back)."""
        cls = self.dense[anchors]
        others = self.n - self.size[cls]
        pick = (torch.rand(anchors.numel(), generator=generator) * others.clamp(min=1)).long()
        # Indices past the start of the anchor's block jump over it.
        pick = pick + torch.where(pick >= self.start[cls], self.size[cls], torch.zeros_like(pick))
        pick = torch.where(others > 0, pick, self.start[cls] + self.rank[anchors])
        return self.order[pick]

    def members(self, per_class: int, generator: torch.Generator) -> torch.Tensor:
        """(classes, per_class) example indices, -1 padded; classes larger than `per_class` give a
        random sample of that many."""
        shuffled = torch.randperm(self.n, generator=generator)
        # Re-sort by class, random within class: the first `per_class` of a block are a sample.
        order = shuffled[torch.argsort(self.dense[shuffled], stable=True)]
        rank = torch.arange(self.n) - self.start[self.dense[order]]
        keep = rank < per_class
        table = torch.full((self.num_classes, per_class), -1, dtype=torch.long)
        table[self.dense[order[keep]], rank[keep]] = order[keep]
        return table
