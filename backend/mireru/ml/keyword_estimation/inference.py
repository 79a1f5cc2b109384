"""KeywordPredictor: a trained `keywords` model version for inference. `load()` once, then:

- `output_vectors(images)`: per image, the outputs whose norm is above the version's threshold,
  L2-normalised — what a word table is searched with (the number varies per image);
- `predict_keywords(images, ...)`: those outputs' nearest words in an in-memory vocabulary (by
  default the words the model was trained on), with cosine similarity as the score;
- `word_scores(images, ...)`: every vocabulary word scored for ranking (see scoring.py).
"""

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from mireru.ml.embedding_net.inference import read_bundle
from mireru.ml.embedding_net.network import BaseModel, build_backbone
from mireru.ml.keyword_estimation.network import KeywordNet
from mireru.ml.keyword_estimation.scoring import OutputSet
from mireru.ml.keyword_estimation.task import KIND
from mireru.ml.train.data import eval_transform

Suggestions = list[list[tuple[str, float]]]


def check_kind(bundle: dict[str, Any], kind: str, path: Path) -> None:
    if bundle.get("kind") != kind:
        raise ValueError(f"{path}: a {bundle.get('kind')!r} model, not a {kind!r} model")


def image_batch(images: Sequence[Image.Image], config: dict[str, Any]) -> torch.Tensor:
    transform = eval_transform(int(config["image_size"]), config["mean"], config["std"])
    return torch.stack([transform(image.convert("RGB")) for image in images])


def vocabulary_matrix(
    vectors: np.ndarray | torch.Tensor | Sequence[Sequence[float]], words: Sequence[str]
) -> torch.Tensor:
    matrix = torch.as_tensor(np.asarray(vectors, dtype=np.float32))
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise ValueError(
            f"expected one vector per word ({len(words)} words), got shape {tuple(matrix.shape)}"
        )
    return F.normalize(matrix, dim=1)


class KeywordPredictor:
    """Images -> keyword vectors and keywords with a model version's weights. Thread-safe after load()."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        self.path = path
        self.device = torch.device(device)
        self._net: KeywordNet | None = None
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}
        self.words: list[str] = []
        self.word_vectors = torch.zeros(0, 0)

    def load(self) -> "KeywordPredictor":
        with self._lock:
            if self._net is not None:
                return self
            bundle = read_bundle(self.path)
            check_kind(bundle, KIND, self.path)
            cfg = bundle["config"]
            built = build_backbone(
                BaseModel.parse(cfg["base_model"]), int(cfg["image_size"]), pretrained=False
            )
            net = KeywordNet(built.module, int(cfg["feature_dim"]), int(cfg["num_outputs"]), int(cfg["dim"]))
            net.load_state_dict(bundle["state_dict"])
            self.config = cfg
            self.words = list(cfg["words"])
            self.word_vectors = bundle["word_vectors"].float()
            self._net = net.to(self.device).eval()
        return self

    @property
    def net(self) -> KeywordNet:
        if self._net is None:
            raise RuntimeError("call load() first")
        return self._net

    @property
    def threshold(self) -> float:
        return float(self.config["threshold"])

    @property
    def dimension(self) -> int:
        return int(self.config["dim"])

    def outputs(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """(N, n, d) raw outputs on the CPU."""
        if not images:
            return torch.zeros(0, int(self.config["num_outputs"]), self.dimension)
        batch = image_batch(images, self.config).to(self.device)
        with torch.inference_mode():
            out: torch.Tensor = self.net(batch).float().cpu()
        return out

    def output_vectors(self, images: Sequence[Image.Image]) -> list[np.ndarray]:
        """Per image an (m_i, d) float32 array: its outputs above the threshold, L2-normalised,
        strongest first."""
        found = []
        for out in self.outputs(images):
            norms = out.norm(dim=1)
            order = norms.argsort(descending=True)
            kept = order[norms[order] > self.threshold]
            found.append(F.normalize(out[kept], dim=1).numpy().astype(np.float32, copy=False))
        return found

    def _vocabulary(
        self,
        vectors: np.ndarray | torch.Tensor | Sequence[Sequence[float]] | None,
        words: Sequence[str] | None,
    ) -> tuple[torch.Tensor, list[str]]:
        if vectors is None or words is None:
            return self.word_vectors, self.words
        return vocabulary_matrix(vectors, words), list(words)

    def predict_keywords(
        self,
        images: Sequence[Image.Image],
        vocabulary_vectors: np.ndarray | torch.Tensor | Sequence[Sequence[float]] | None = None,
        vocabulary_words: Sequence[str] | None = None,
        k_per_output: int = 1,
    ) -> list[list[tuple[str, float]]]:
        """Per image: (word, cosine similarity) for the `k_per_output` nearest words of each
        output above the threshold; a word named by several outputs keeps its best score.
        Sorted by score, best first."""
        vocab, words = self._vocabulary(vocabulary_vectors, vocabulary_words)
        k = max(1, min(k_per_output, len(words)))
        results: Suggestions = []
        for kept in self.output_vectors(images):
            best: dict[str, float] = {}
            if len(kept) and len(words):
                sims = torch.from_numpy(kept) @ vocab.T
                values, indices = sims.topk(k, dim=1)
                for value, index in zip(values.flatten().tolist(), indices.flatten().tolist(), strict=True):
                    word = words[index]
                    best[word] = max(best.get(word, -1.0), float(value))
            results.append(sorted(best.items(), key=lambda item: -item[1]))
        return results

    def word_scores(
        self,
        images: Sequence[Image.Image],
        vocabulary_vectors: np.ndarray | torch.Tensor | Sequence[Sequence[float]] | None = None,
        vocabulary_words: Sequence[str] | None = None,
    ) -> np.ndarray:
        """(N, V) scores for ranking every vocabulary word (scoring.OutputSet.word_scores)."""
        vocab, _ = self._vocabulary(vocabulary_vectors, vocabulary_words)
        scores: np.ndarray = OutputSet(self.outputs(images)).word_scores(vocab).numpy()
        return scores
