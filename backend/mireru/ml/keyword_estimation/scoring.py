"""OutputSet: a keyword network's outputs over images, read the way inference reads them.

An output's norm is its strength (does it stand for a keyword at all?) and its nearest word by
cosine similarity is the keyword it names. For ranking the whole vocabulary (precision@k), a
word named by some output scores that output's strength (the best one if several name it);
every other word ranks below all named words, by its best strength x cosine over the outputs.
So the top of the ranking is what the outputs name, strongest first, as a user is shown them,
and a word very close in the word space to a named one (a near-synonym) does not overtake it.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812

RUNNER_UP_OFFSET = 4.0  # larger than any strength x cosine range, so runners-up rank below


@dataclass(frozen=True)
class OutputSet:
    outputs: torch.Tensor  # (N, n, d)

    def strength(self) -> torch.Tensor:
        norms: torch.Tensor = self.outputs.norm(dim=2)
        return norms

    def cosine(self, vocab: torch.Tensor) -> torch.Tensor:
        """(N, n, V) against unit word vectors (V, d)."""
        sims: torch.Tensor = F.normalize(self.outputs, dim=2) @ vocab.T
        return sims

    def nearest(self, vocab: torch.Tensor) -> torch.Tensor:
        """(N, n): each output's nearest vocabulary word."""
        return self.cosine(vocab).argmax(dim=2)

    def word_scores(self, vocab: torch.Tensor) -> torch.Tensor:
        """(N, V) scores for ranking every word (see the module's docstring)."""
        cosine = self.cosine(vocab)
        strength = self.strength()[:, :, None]
        named = F.one_hot(cosine.argmax(dim=2), cosine.shape[2]).bool()
        scores = torch.where(named, strength, strength * cosine - RUNNER_UP_OFFSET)
        best: torch.Tensor = scores.amax(dim=1)
        return best
