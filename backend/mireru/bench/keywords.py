"""`mireru bench keywords`: the keyword network with greedy pairing, with Hungarian pairing, and a
multi-label classifier (binary cross-entropy over the vocabulary), trained in one run on the same
images with the same backbone, epochs and seed, each through the shared training loop, exported
to a version file and scored from that file on a held-out test split (keyword_data.py says how
the data is built).

Columns (means over the test images):
- precision_at_k, recall_at_k, f1_at_k: k fixed (default 3, below the fewest keywords a test
  image has, so a perfect ranking scores precision 1 and recall 3/m); every training keyword
  ranked by the model's score (keyword network: the words its outputs name, strongest output
  first, then the rest, see ml/keyword_estimation/scoring.py; classifier: the probability);
  P = hits in the top k / k, R = hits / true count, F1 = their harmonic mean per image.
- count_error: |predicted count - true count|, the predicted set being what a user is shown
  (outputs above the threshold chosen on validation, each naming its nearest training keyword;
  classifier: probabilities above its own validation threshold).
- zero_shot_hit_rate: over (test image, held-out word it truly has) pairs, the share where that
  word is among the image's suggestions when each output above the threshold is searched, by
  cosine similarity, against the WHOLE word model (every word of the corpus), keeping its
  `zero_shot_k` nearest words. None for the classifier: it has no output for a word it was not
  trained on.
"""

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mireru.bench.keyword_data import HELD_OUT, IMAGE_SIZE, KeywordBenchData, TaggedImage, build
from mireru.bench.report import Report
from mireru.ml.keyword_estimation.baseline import BceConfig, BcePredictor, BceTask
from mireru.ml.keyword_estimation.data import truth_matrix
from mireru.ml.keyword_estimation.inference import KeywordPredictor
from mireru.ml.keyword_estimation.metrics import at_k
from mireru.ml.keyword_estimation.pairing import Pairing
from mireru.ml.keyword_estimation.task import KeywordsConfig, KeywordsTask
from mireru.ml.train.data import load_rgb
from mireru.ml.train.loop import LoopConfig, fit
from mireru.ml.train.task import TrainTask

COLUMNS = ["method", "precision_at_k", "recall_at_k", "f1_at_k", "count_error", "zero_shot_hit_rate"]
METHODS = ("greedy", "hungarian", "bce")


@dataclass
class KeywordBench:
    epochs: int = 20
    k: int = 3
    zero_shot_k: int = 3
    num_outputs: int = 8
    leftover_weight: float = 1.0
    base_model: str = "tiny-cnn"
    batch_size: int = 64
    lr: float = 3e-3
    seed: int = 0
    device: str = "cpu"
    limit: int | None = None  # use only this many images (quick checks)


@dataclass
class Scored:
    row: dict[str, Any]
    notes: list[str]


def _loop(cfg: KeywordBench) -> LoopConfig:
    return LoopConfig(
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        lr=cfg.lr,
        device=cfg.device,
        seed=cfg.seed,
        num_workers=0,
        amp="off",
        measure_baseline=False,  # the bench scores its own starting point
    )


def _train(task: TrainTask, cfg: KeywordBench, folder: Path, name: str) -> tuple[Path, float]:
    started = time.monotonic()
    result = fit(task, _loop(cfg))
    path = folder / f"{name}.pt"
    torch.save(task.export(result.model, result.metrics), path)
    return path, time.monotonic() - started


def _truth(images: list[TaggedImage], words: list[str]) -> torch.Tensor:
    position = {w: i for i, w in enumerate(words)}
    return truth_matrix([[position[k] for k in i.keywords if k in position] for i in images], len(words))


def _ranked_row(method: str, scores: np.ndarray, truth: torch.Tensor, k: int) -> dict[str, Any]:
    ranked = at_k(torch.from_numpy(scores), truth, k)
    return {
        "method": method,
        "precision_at_k": ranked.precision,
        "recall_at_k": ranked.recall,
        "f1_at_k": ranked.f1,
    }


def _count_error(predicted: list[list[tuple[str, float]]], truth: torch.Tensor) -> float:
    counts = torch.tensor([len(p) for p in predicted], dtype=torch.float32)
    return float((counts - truth.sum(dim=1).float()).abs().mean())


def zero_shot(
    images: list[TaggedImage], suggestions: list[list[tuple[str, float]]], held_out: list[str]
) -> tuple[float, float, int]:
    """(hit rate, precision, pairs): hits over (image, held-out word it has) pairs; precision =
    the share of held-out words suggested that were true of the image."""
    pairs = hits = suggested = correct = 0
    for image, found in zip(images, suggestions, strict=True):
        words = {w for w, _ in found}
        for word in held_out:
            truly = word in image.keywords
            pairs += truly
            hits += truly and word in words
            suggested += word in words
            correct += truly and word in words
    return hits / max(1, pairs), correct / max(1, suggested), pairs


def score_keywords(
    method: str, path: Path, data: KeywordBenchData, pil: list[Any], cfg: KeywordBench
) -> Scored:
    predictor = KeywordPredictor(path).load()
    truth = _truth(data.test, predictor.words)
    row = _ranked_row(method, predictor.word_scores(pil), truth, cfg.k)
    row["count_error"] = _count_error(predictor.predict_keywords(pil), truth)
    everything = sorted(data.vectors)
    matrix = np.asarray([data.vectors[w] for w in everything], dtype=np.float32)
    found = predictor.predict_keywords(pil, matrix, everything, k_per_output=cfg.zero_shot_k)
    rate, precision, pairs = zero_shot(data.test, found, list(HELD_OUT))
    row["zero_shot_hit_rate"] = rate
    note = (
        f"{method}: threshold {predictor.threshold:.3f}; zero-shot {rate:.3f} of {pairs} pairs, "
        f"{precision:.3f} of the held-out words it suggested were true"
    )
    return Scored(row, [note])


def score_bce(path: Path, data: KeywordBenchData, pil: list[Any], cfg: KeywordBench) -> Scored:
    predictor = BcePredictor(path).load()
    truth = _truth(data.test, predictor.words)
    row = _ranked_row("bce", predictor.word_scores(pil), truth, cfg.k)
    row["count_error"] = _count_error(predictor.predict_keywords(pil), truth)
    row["zero_shot_hit_rate"] = None
    return Scored(
        row,
        [
            f"bce: threshold {predictor.threshold:.3f}; zero-shot: not possible (no output "
            "for a word outside its training vocabulary)"
        ],
    )


def run(cfg: KeywordBench, progress: Callable[[str], None] = lambda _: None) -> Report:
    report = Report(f"keyword suggestions: k = {cfg.k}, {cfg.epochs} epochs, {cfg.base_model}", COLUMNS)
    with tempfile.TemporaryDirectory(prefix="mireru-bench-keywords-") as tmp:
        folder = Path(tmp)
        progress("building the dataset (digits, keywords, word2vec)")
        data = build(folder / "images", seed=cfg.seed, limit=cfg.limit)
        report.notes += data.description()
        words = data.training_words()
        train, val = data.records(data.train), data.records(data.val)
        vectors = {w: data.vectors[w] for w in words}  # what a run gets: the keywords' vectors only
        pil = [load_rgb(i.path) for i in data.test]
        for method in METHODS:
            progress(f"training {method}")
            task: TrainTask
            if method == "bce":
                task = BceTask(BceConfig(cfg.base_model, IMAGE_SIZE, augment=False), train, val, words)
            else:
                pairing: Pairing = "greedy" if method == "greedy" else "hungarian"
                config = KeywordsConfig(
                    cfg.base_model, IMAGE_SIZE, cfg.num_outputs, pairing, cfg.leftover_weight, augment=False
                )
                task = KeywordsTask(config, vectors, train, val)
            path, seconds = _train(task, cfg, folder, method)
            scored = (
                score_bce(path, data, pil, cfg)
                if method == "bce"
                else score_keywords(method, path, data, pil, cfg)
            )
            report.add(**scored.row)
            report.notes += [f"{line} (trained in {seconds:.0f} s)" for line in scored.notes]
    report.notes.append(
        f"training: the same for all three: {cfg.base_model}, {cfg.epochs} epochs, batch {cfg.batch_size}, "
        f"AdamW lr {cfg.lr:g} (cosine), seed {cfg.seed}, no augmentation (a flip mirrors a digit); "
        f"keyword network: {cfg.num_outputs} outputs, leftover weight {cfg.leftover_weight:g}"
    )
    report.notes.append(
        f"at k: the top {cfg.k} of the {len(words)} training keywords; count error: the shown set; "
        f"zero-shot: each kept output's {cfg.zero_shot_k} nearest words among all {len(data.vectors)} words"
    )
    return report
