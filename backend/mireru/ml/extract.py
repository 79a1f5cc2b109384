"""The extraction pipeline: decode (DataLoader workers) -> model (device) -> sink (a writer thread).

The three stages overlap: workers decode the next batches while the model runs, and a single
writer thread stores finished vectors while the model moves on, so the slowest stage sets the
pace instead of the sum of all three. The sink is any callable (a database writer, a list).
"""

import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from mireru.ml.data import ImageBatch, Record, image_loader
from mireru.ml.embedder import Embedder, PendingVectors

Sink = Callable[[list[int], np.ndarray], None]
Progress = Callable[[int, int], None]


@dataclass
class ExtractStats:
    total: int = 0
    embedded: int = 0
    failed: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0


class WriterThread:
    """Runs a sink on its own thread behind a bounded queue; errors surface on the next put or
    on close."""

    def __init__(self, sink: Sink, max_pending: int = 4) -> None:
        self._sink = sink
        self._queue: queue.Queue[tuple[list[int], np.ndarray] | None] = queue.Queue(max_pending)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="embedding-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._sink(*job)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def put(self, keys: list[int], vectors: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((keys, vectors))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def run_batches(
    embedder: Embedder,
    batches: Iterable[ImageBatch],
    total: int,
    sink: Sink,
    on_progress: Progress | None = None,
    threaded_sink: bool = True,
) -> ExtractStats:
    """Embed every batch and hand (keys, vectors) to the sink; returns counts and the time taken
    until the last vector was stored."""
    stats = ExtractStats(total=total)
    started = time.perf_counter()
    writer = WriterThread(sink) if threaded_sink else None

    def deliver(pending: PendingVectors) -> None:
        if pending.keys:
            vectors = pending.result()
            if writer is not None:
                writer.put(pending.keys, vectors)
            else:
                sink(pending.keys, vectors)
        stats.embedded += len(pending.keys)
        if on_progress is not None:
            on_progress(stats.embedded + len(stats.failed), total)

    previous: PendingVectors | None = None
    try:
        for batch in batches:
            stats.failed += batch.failed
            current = embedder.launch_batch(batch)  # the device starts on this batch...
            if previous is not None:
                deliver(previous)  # ...while the previous one's vectors are stored
            previous = current
        if previous is not None:
            deliver(previous)
    finally:
        if writer is not None:
            writer.close()
    stats.seconds = time.perf_counter() - started
    return stats


def extract_files(
    embedder: Embedder,
    records: Sequence[Record],
    sink: Sink,
    batch_size: int = 32,
    workers: int = 2,
    draft: bool = True,
    gpu_decode: bool = False,
    on_progress: Progress | None = None,
    prefetch_factor: int = 2,
) -> ExtractStats:
    """Embed image files: `records` are (key, path); the sink receives keys with their vectors."""
    embedder.load()
    on_cuda = embedder.device.type == "cuda"
    loader = image_loader(
        records,
        embedder.preprocess,
        batch_size=batch_size,
        workers=workers,
        pin_memory=on_cuda,
        draft=draft,
        gpu_decode=gpu_decode,
        prefetch_factor=prefetch_factor,
    )
    stats = run_batches(embedder, loader, len(records), sink, on_progress)
    if on_cuda:
        torch.cuda.synchronize(embedder.device)
    return stats
