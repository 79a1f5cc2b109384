"""`mireru bench embed`: end-to-end embedding throughput (JPEG files -> decode -> model -> stored
rows) as a fraction of the model's bare forward throughput, on the same images in the same run.

The end-to-end path is the embedding job's own: `mireru.ml.extract.extract_files` with the
job's database sink (binary COPY, a transaction per batch, on a writer thread), into a throwaway
project. `--no-db` swaps the sink for a no-op, for machines without PostgreSQL; then nothing
here imports SQLAlchemy.
"""

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mireru.bench.images import make_jpegs
from mireru.bench.report import Report
from mireru.ml.backbones import BackboneSpec
from mireru.ml.data import decode_image, image_loader
from mireru.ml.embedder import Embedder
from mireru.ml.extract import extract_files

log = logging.getLogger(__name__)

COLUMNS = ["stage", "images", "seconds", "img_per_s", "ratio_to_bare"]


@dataclass
class EmbedBench:
    model: str = "torchvision:mobilenet_v2"
    pretrained: str | None = "IMAGENET1K_V1"
    image_size: int | None = None
    images: int = 256
    unique_images: int = 2048
    width: int = 640
    height: int = 480
    batch_size: int = 32
    workers: int | None = None
    device: str = "auto"
    precision: str = "auto"
    gpu_decode: bool = False
    draft: bool = True
    db: bool = True
    image_dir: Path | None = None
    bare_seconds: float = 5.0
    rounds: int = 2


def _spec(cfg: EmbedBench) -> BackboneSpec:
    if cfg.model.startswith("torchvision:"):
        return BackboneSpec(
            "torchvision", cfg.model.removeprefix("torchvision:"), cfg.pretrained, cfg.image_size
        )
    return BackboneSpec("open_clip", cfg.model, cfg.pretrained, cfg.image_size)


def _sync(embedder: Embedder) -> None:
    if embedder.device.type == "cuda":
        torch.cuda.synchronize(embedder.device)


def bare_forward(embedder: Embedder, paths: list[str], batch_size: int, seconds: float) -> tuple[int, float]:
    """The model alone: the same images, decoded and normalised on the device beforehand, through
    the image tower batch after batch. Returns (images, seconds)."""
    count = min(len(paths), batch_size * 4)
    images = torch.stack([decode_image(p, embedder.preprocess) for p in paths[:count]])
    batches = [
        embedder.prepare(images[i : i + batch_size]) for i in range(0, count - batch_size + 1, batch_size)
    ]
    if not batches:
        batches = [embedder.prepare(images)]
    for x in batches[:2]:  # warm-up: kernels, cudnn autotuning, allocator
        embedder.forward(x)
    _sync(embedder)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or done < len(batches) * batch_size:
        for x in batches:
            embedder.forward(x)
            done += x.shape[0]
        _sync(embedder)
    return done, time.perf_counter() - started


def decode_only(
    embedder: Embedder, records: list[tuple[int, str]], cfg: EmbedBench, workers: int
) -> tuple[int, float]:
    """The input pipeline alone (DataLoader workers, plus device decoding with --gpu-decode)."""
    loader = image_loader(
        records,
        embedder.preprocess,
        batch_size=cfg.batch_size,
        workers=workers,
        pin_memory=embedder.device.type == "cuda",
        draft=cfg.draft,
        gpu_decode=cfg.gpu_decode,
    )
    done, started = 0, time.perf_counter()
    for batch in loader:
        if batch.encoded:
            embedder.decode_on_device(batch.encoded)
        if batch.keys:
            batch.images.to(embedder.device, non_blocking=True)
        done += len(batch)
    _sync(embedder)
    return done, time.perf_counter() - started


def _db_sink(
    settings: Any, engine: Any, n: int, dimension: int, paths: list[str]
) -> tuple[Callable[..., None], Callable[[], int], Callable[[], None]]:
    """The embedding job's sink into a throwaway project: (sink, rows stored, clean-up)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import sessionmaker

    from mireru.bench import seed
    from mireru.embeddings.building import vector_sink
    from mireru.embeddings.repository import SpaceShape
    from mireru.models import Embedding

    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    project = seed.create_project(engine, n, paths=paths)
    space_id = seed.create_space(sessions, project.project_id, dimension, status="ready")
    shape = SpaceShape(space_id, project.project_id, dimension, "cosine", "vector")
    failed: list[int] = []
    ids = project.item_ids

    def sink(keys: list[int], vectors: np.ndarray) -> None:
        vector_sink(sessions, shape, failed)([ids[k] for k in keys], vectors)

    def stored() -> int:
        with sessions() as session:
            return int(session.scalar(select(func.count()).where(Embedding.space_id == space_id)) or 0)

    return sink, stored, lambda: seed.drop_project(engine, project.project_id)


def run(cfg: EmbedBench, settings: Any = None, engine: Any = None) -> Report:
    spec = _spec(cfg)
    embedder = Embedder(spec, device=cfg.device, precision=cfg.precision).load()
    on_cuda = embedder.device.type == "cuda"
    cpus = os.cpu_count() or 1
    workers = cfg.workers if cfg.workers is not None else (max(1, cpus - 2) if on_cuda else 1)
    title = (
        f"mireru bench embed: {cfg.model} ({cfg.pretrained}) {embedder.preprocess.size}px on "
        f"{embedder.device} {embedder.precision}, batch {cfg.batch_size}, {workers} decode workers, "
        f"{cfg.width}x{cfg.height} JPEGs{', GPU decode' if cfg.gpu_decode else ''}"
        f"{', no draft' if not cfg.draft else ''}{', no DB' if not cfg.db else ', into PostgreSQL'}"
    )
    report = Report(title, COLUMNS)
    with tempfile.TemporaryDirectory(prefix="mireru-bench-") as tmp:
        folder = cfg.image_dir or Path(tmp)
        unique = min(cfg.images, cfg.unique_images)
        started = time.perf_counter()
        existing = sorted(str(p) for p in folder.glob("*.jp*g")) if cfg.image_dir else []
        paths = existing[:unique] if existing else make_jpegs(folder, unique, cfg.width, cfg.height)
        log.info("%d JPEGs ready in %.1fs", len(paths), time.perf_counter() - started)
        sizes = [os.path.getsize(p) for p in paths[:200]]
        report.notes.append(
            f"{len(paths)} distinct photo-like JPEGs (mean {np.mean(sizes) / 1024:.0f} KiB) cycled to "
            f"{cfg.images} images; {cpus} CPUs; torch {torch.__version__}"
        )
        records = [(i, paths[i % len(paths)]) for i in range(cfg.images)]

        done, seconds = decode_only(embedder, records, cfg, workers)
        decode_rate = done / seconds

        cleanup: Callable[[], None] = lambda: None  # noqa: E731
        stored: Callable[[], int] | None = None
        if cfg.db:
            sink, stored, cleanup = _db_sink(settings, engine, cfg.images, embedder.dimension, paths)
        else:

            def sink(keys: list[int], vectors: np.ndarray) -> None:
                return None

        # Rounds of (bare forward, end to end), best of each: other load on the machine only ever
        # slows a measurement down, so the best round is the least disturbed one.
        bare_runs: list[tuple[int, float]] = []
        e2e_runs: list[tuple[int, float, int]] = []
        failed = 0
        try:
            for _ in range(max(1, cfg.rounds)):
                bare_runs.append(bare_forward(embedder, paths, cfg.batch_size, cfg.bare_seconds))
                stats = extract_files(
                    embedder,
                    records,
                    sink,
                    batch_size=cfg.batch_size,
                    workers=workers,
                    draft=cfg.draft,
                    gpu_decode=cfg.gpu_decode,
                )
                rows = stored() if stored is not None else stats.embedded
                e2e_runs.append((stats.embedded, stats.seconds, rows))
                failed = len(stats.failed)
        finally:
            cleanup()
        done, seconds = max(bare_runs, key=lambda r: r[0] / r[1])
        bare = done / seconds
        report.add(
            stage="bare model forward (tensors on device)",
            images=done,
            seconds=round(seconds, 2),
            img_per_s=round(bare, 1),
            ratio_to_bare=1.0,
        )
        report.add(
            stage="decode only (DataLoader -> device)",
            images=cfg.images,
            seconds=round(cfg.images / decode_rate, 2),
            img_per_s=round(decode_rate, 1),
            ratio_to_bare=round(decode_rate / bare, 3),
        )
        embedded, seconds, rows = max(e2e_runs, key=lambda r: r[0] / r[1])
        stage = "end to end: files -> decode -> model -> " + ("rows (COPY)" if cfg.db else "vectors")
        report.add(
            stage=stage,
            images=rows,
            seconds=round(seconds, 2),
            img_per_s=round(embedded / seconds, 1),
            ratio_to_bare=round(embedded / seconds / bare, 3),
        )
        report.notes.append(
            f"best of {len(bare_runs)} rounds; bare img/s per round: "
            + ", ".join(f"{d / s:.1f}" for d, s in bare_runs)
            + "; end-to-end img/s per round: "
            + ", ".join(f"{d / s:.1f}" for d, s, _ in e2e_runs)
        )
        if failed:
            report.notes.append(f"{failed} images failed to decode")
    return report
