"""`mireru bench triplet`: search-mined triplets against classification, random triplets and
online batch-hard mining, in one harness with the same budget (backbone, epochs, images, batch,
learning rate, augmentation), through the same training loop the platform runs.

Each method trains on the dataset's train split, keeps its best epoch by validation Recall@1, and
is scored on the test split (every test image queries the other test images): Recall@1 and mAP@R.
`train_s` is the wall time of the whole training (mining and validation included); `mining_share`
is the share of the epochs' time spent choosing examples (for batch-hard: the in-batch mining).

`--mining-scale N` also times search mining against the training pass on N images (digits, re-drawn
with random shifts and rotations), with the vectors extracted from image files, extracted from
cached pixels, and reused from validation; `--search-scale N` times the miner alone on N
synthetic vectors with both in-memory engines.
"""

import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from mireru.bench.metric_datasets import BenchDataset, digits, skimage_regions
from mireru.bench.report import Report

METHODS = ("search_mined", "classification", "random", "batch_hard")
COLUMNS = ["method", "recall_at_1", "map_at_r", "train_s", "mining_share"]


@dataclass(frozen=True)
class TripletBench:
    dataset: str = "digits"  # digits | skimage | project:<id>
    epochs: int = 8
    batch_size: int = 64
    image_size: int = 32
    base_model: str = "tiny-cnn"
    embedding_dim: int = 64
    lr: float = 3e-3
    backbone_lr_scale: float = 1.0  # every method's backbone learns at lr * this
    # search_mined: classification-loss epochs before mining starts (at most epochs - 1, so it mines)
    classification_warmup_epochs: int = 0
    margin: float = 0.2
    max_per_query: int = 5
    semi_hard_share: float = 0.0
    positive: str = "random"
    engine: str = "exact"
    device: str = "auto"
    methods: tuple[str, ...] = METHODS
    mining_scale: int = 0
    search_scale: int = 0
    seed: int = 0
    num_workers: int = 0
    limit: int = 0  # use at most this many images per split (0: all); tests run tiny
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        project = self.dataset.removeprefix("project:")
        if self.dataset not in ("digits", "skimage") and not (project != self.dataset and project.isdigit()):
            raise ValueError(f"unknown dataset {self.dataset!r}: use digits, skimage or project:<id>")
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown:
            raise ValueError(f"unknown methods {unknown}; use some of {', '.join(METHODS)}")
        if self.engine not in ("exact", "ivf"):
            raise ValueError(f"engine {self.engine!r}: use exact or ivf")
        if self.classification_warmup_epochs < 0:
            raise ValueError(
                f"classification_warmup_epochs {self.classification_warmup_epochs}: use 0 or more"
            )
        if self.positive not in ("random", "hardest"):
            raise ValueError(f"positive {self.positive!r}: use random or hardest")


def _records(split: list[tuple[str, int]]) -> list[Any]:
    from mireru.ml.train.data import Record

    return [Record(path, target) for path, target in split]


def build_task(method: str, cfg: TripletBench, data: BenchDataset, measure_untrained: bool = False) -> Any:
    """The TrainTask for one method, all from the same MetricConfig."""
    from mireru.ml.metric.batch_hard_task import BatchHardTask
    from mireru.ml.metric.classification_task import ClassificationTask
    from mireru.ml.metric.metric_task import MetricConfig
    from mireru.ml.metric.triplet_task import MiningConfig, TripletTask

    config = MetricConfig(
        base_model=cfg.base_model,
        image_size=cfg.image_size,
        embedding_dim=cfg.embedding_dim,
        backbone_lr_scale=cfg.backbone_lr_scale,
        classes=tuple(data.classes),
        measure_untrained=measure_untrained,
    )
    train, val = _records(data.train), _records(data.val)
    if method in ("search_mined", "random"):
        mining = MiningConfig(
            strategy="search" if method == "search_mined" else "random",
            engine=cfg.engine,  # type: ignore[arg-type]
            max_per_query=cfg.max_per_query,
            semi_hard_share=cfg.semi_hard_share,
            margin=cfg.margin,
            positive=cfg.positive,  # type: ignore[arg-type]
            classification_warmup_epochs=min(cfg.classification_warmup_epochs, cfg.epochs - 1),
        )
        return TripletTask(config, mining, train, val, seed=cfg.seed)
    if method == "batch_hard":
        return BatchHardTask(config, train, val, margin=cfg.margin, seed=cfg.seed)
    if method == "classification":
        return ClassificationTask(config, train, val)
    raise ValueError(f"unknown method {method!r}; use {', '.join(METHODS)}")


def _loop_config(cfg: TripletBench, epochs: int | None = None) -> Any:
    from mireru.ml.train.loop import LoopConfig

    return LoopConfig(
        epochs=epochs or cfg.epochs,
        batch_size=cfg.batch_size,
        lr=cfg.lr,
        device=cfg.device,
        seed=cfg.seed,
        num_workers=cfg.num_workers,
        log_every_steps=10_000,
        measure_baseline=False,  # the bench scores its own starting point
    )


def _test_scores(
    task: Any, model: Any, cfg: TripletBench, data: BenchDataset, device: str
) -> tuple[float, float]:
    import torch

    from mireru.ml.eval.retrieval import retrieval_scores
    from mireru.ml.train.task import EvalContext

    ctx = EvalContext(torch.device(device), cfg.batch_size, cfg.num_workers, None)
    test = _records(data.test)
    vectors = task.embed(task.net_of(model), test, ctx).cpu().numpy()
    scores = retrieval_scores(vectors, [r.target for r in test], ks=(1,), per_class=False)
    return scores.recall[1], scores.map_at_r


def untrained_note(cfg: TripletBench, data: BenchDataset) -> str:
    """The test scores of the network every method starts from (same seed, same initialisation)."""
    import torch

    from mireru.ml.train.device import resolve_device

    task = build_task("random", cfg, data)
    torch.manual_seed(cfg.seed)  # as fit() seeds before building the model
    device = resolve_device(cfg.device)
    model = task.build_model().to(device).eval()
    recall, map_r = _test_scores(task, model, cfg, data, str(device))
    return f"untrained network (the common starting point): test Recall@1 {recall:.3f}, mAP@R {map_r:.3f}"


def run_method(
    method: str, cfg: TripletBench, data: BenchDataset
) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """Train one method; its table row and its per-epoch metrics."""
    import torch

    from mireru.ml.train.loop import fit

    torch.manual_seed(cfg.seed)
    task = build_task(method, cfg, data)
    started = time.perf_counter()
    result = fit(task, _loop_config(cfg))
    train_s = time.perf_counter() - started
    recall, map_r = _test_scores(task, result.model, cfg, data, result.device)
    mining = sum(h.get("time/mining_s", 0.0) for h in result.history)
    total = mining + sum(h.get("time/train_s", 0.0) for h in result.history)
    row = {
        "method": method,
        "recall_at_1": round(recall, 4),
        "map_at_r": round(map_r, 4),
        "train_s": round(train_s, 2),
        "mining_share": round(mining / total, 4) if total > 0 else 0.0,
    }
    return row, list(result.history)


def _limited(data: BenchDataset, limit: int, seed: int) -> BenchDataset:
    """At most `limit` images per split, drawn at random (the splits are stored class by class)."""
    if limit <= 0:
        return data
    rng = np.random.default_rng(seed)

    def pick(split: list[tuple[str, int]]) -> list[tuple[str, int]]:
        chosen = sorted(rng.permutation(len(split))[:limit].tolist())
        return [split[i] for i in chosen]

    return replace(data, train=pick(data.train), val=pick(data.val), test=pick(data.test))


def load_dataset(cfg: TripletBench, folder: Path) -> BenchDataset:
    if cfg.dataset == "digits":
        return digits(folder / "digits", cfg.seed)
    if cfg.dataset == "skimage":
        return skimage_regions(folder / "skimage", cfg.seed)
    raise ValueError(f"unknown dataset {cfg.dataset!r}: use digits, skimage or project:<id>")


def _scaled_digits(folder: Path, count: int, val: int, seed: int) -> BenchDataset:
    """`count` training and `val` validation digit images, each a random shift and rotation of one
    of the 1,797 (for timing)."""
    from PIL import Image
    from sklearn.datasets import load_digits

    folder.mkdir(parents=True, exist_ok=True)
    data = load_digits()
    rng = np.random.default_rng(seed)
    made = []
    for i in range(count + val):
        j = int(rng.integers(0, len(data.images)))
        pixels = (data.images[j] * (255.0 / 16.0)).astype(np.uint8)
        image = Image.fromarray(pixels).resize((32, 32), Image.Resampling.BILINEAR)
        image = image.rotate(rng.uniform(-12, 12), translate=tuple(rng.integers(-2, 3, 2).tolist()))
        path = folder / f"d{i}.png"
        image.convert("RGB").save(path)
        made.append((str(path), int(data.target[j])))
    return BenchDataset("digits-scaled", [str(d) for d in range(10)], made[:count], made[count:], [])


def _mining_line(label: str, h: dict[str, float]) -> str:
    sources = [
        f"{h[key]:.0f} {name}"
        for key, name in (
            ("mining/decoded_images", "decoded"),
            ("mining/cached_pixels", "from cached pixels"),
            ("mining/reused_vectors", "reused from validation"),
        )
        if h.get(key)
    ]
    return (
        f"  {label}: mining {h['time/mining_s']:.2f}s (features {h['mining/extract_s']:.2f}s: "
        f"{', '.join(sources)}; search {h['mining/search_s']:.2f}s) vs training {h['time/train_s']:.2f}s "
        f"= {h['time/mining_share']:.1%} of the epoch"
    )


def mining_scale_notes(cfg: TripletBench, folder: Path) -> list[str]:
    """Search mining vs the training pass at `cfg.mining_scale` training images, in the three
    cases an epoch meets: the vectors extracted afresh from image files (the first pass over them:
    the first epoch without validation items, or after a resume), afresh from the pixels cached by
    an earlier pass (later epochs without validation items, images beyond the validation gallery),
    and reused from the validation pass that just ran (the usual case)."""
    from mireru.ml.train.loop import fit

    data = _scaled_digits(folder / "scaled", cfg.mining_scale, max(10, cfg.mining_scale // 10), cfg.seed)
    # Without validation items every epoch extracts: epoch 1 decodes, epoch 2 reads the cache.
    fresh = fit(build_task("search_mined", cfg, replace(data, val=[])), _loop_config(cfg, epochs=2))
    # With them (and the untrained network validated first), epoch 1 reuses that pass's vectors.
    reusing = build_task("search_mined", cfg, data, measure_untrained=True)
    reused = fit(reusing, _loop_config(cfg, epochs=1))
    return [
        f"mining at {cfg.mining_scale} images ({cfg.engine} search, {fresh.device}), share of each epoch:",
        _mining_line("extracted, every image decoded (first pass)", fresh.history[0]),
        _mining_line("extracted from cached pixels (later passes)", fresh.history[1]),
        _mining_line("reused from the validation pass", reused.history[0]),
    ]


def search_scale_notes(cfg: TripletBench) -> list[str]:
    """The miner alone (index, search, hardest positives, selection) on synthetic vectors."""
    import torch

    from mireru.ml.metric.exact_search import ExactSearch
    from mireru.ml.metric.ivf_search import IVFSearch
    from mireru.ml.metric.triplet_miner import SearchTripletMiner
    from mireru.ml.train.device import resolve_device

    device = resolve_device(cfg.device)
    n, dim, classes = cfg.search_scale, cfg.embedding_dim, max(2, cfg.search_scale // 10)
    g = torch.Generator().manual_seed(cfg.seed)
    centres = torch.randn(classes, dim, generator=g)
    targets = torch.randint(0, classes, (n,), generator=g)
    x = torch.nn.functional.normalize(centres[targets] + 2.0 * torch.randn(n, dim, generator=g), dim=1)
    x, targets = x.to(device), targets.to(device)
    notes = []
    for name, engine in (("exact", ExactSearch), ("ivf", IVFSearch)):
        miner = SearchTripletMiner(engine, k=50, max_per_query=cfg.max_per_query)
        miner.mine(x[: min(n, 2048)], targets[: min(n, 2048)])  # warm-up (kernels, allocator)
        started = time.perf_counter()
        mined = miner.mine(x, targets)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - started
        notes.append(
            f"miner alone, {n} x {dim} vectors, {name}: {seconds:.2f}s ({n / seconds:,.0f} queries/s), "
            f"{len(mined)} triplets; {mined.engine}"
        )
    return notes


def run(cfg: TripletBench, dataset: BenchDataset | None = None) -> Report:
    """Train and score every method; `dataset` (a project's) replaces the built-in ones."""
    title = f"bench triplet: {cfg.dataset}, {cfg.base_model}, {cfg.epochs} epochs"
    report = Report(title, list(COLUMNS))
    with tempfile.TemporaryDirectory(prefix="mireru-bench-triplet-") as tmp:
        folder = Path(tmp)
        data = _limited(dataset or load_dataset(cfg, folder), cfg.limit, cfg.seed)
        report.notes.append(data.summary())
        if cfg.methods:
            report.notes.append(untrained_note(cfg, data))
        for method in cfg.methods:
            row, history = run_method(method, cfg, data)
            report.add(**row)
            if method == "search_mined" and history:
                first, last = history[0], history[-1]
                report.notes.append(
                    f"search mining: {first.get('mining/triplets', 0):.0f} triplets and "
                    f"{first.get('mining/violation_share', 0):.1%} of queries violating in epoch 1, "
                    f"{last.get('mining/triplets', 0):.0f} and {last.get('mining/violation_share', 0):.1%} "
                    f"in epoch {len(history)}"
                )
        if cfg.mining_scale > 0:
            report.notes.extend(mining_scale_notes(cfg, folder))
    if cfg.search_scale > 0:
        report.notes.extend(search_scale_notes(cfg))
    report.notes.extend(cfg.notes)
    return report
