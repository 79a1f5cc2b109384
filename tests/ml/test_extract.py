"""The extraction pipeline: decode workers -> model -> a sink on its own thread."""

from pathlib import Path

import numpy as np
import pytest

from mireru.ml.backbones import BackboneSpec
from mireru.ml.embedder import Embedder
from mireru.ml.extract import WriterThread, extract_files
from tests.ml.models import photo_bytes


def test_extract_files_delivers_every_vector_with_progress(tmp_path: Path, tiny_clip: str) -> None:
    records = []
    for i in range(10):
        (tmp_path / f"{i}.jpg").write_bytes(photo_bytes(i))
        records.append((i, str(tmp_path / f"{i}.jpg")))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    records.append((99, str(tmp_path / "broken.jpg")))
    embedder = Embedder(BackboneSpec("open_clip", tiny_clip))
    stored: dict[int, np.ndarray] = {}
    seen: list[tuple[int, int]] = []
    stats = extract_files(
        embedder,
        records,
        lambda keys, vectors: stored.update(zip(keys, vectors, strict=True)),
        batch_size=4,
        workers=2,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert sorted(stored) == list(range(10))
    assert stats.embedded == 10
    assert stats.failed == [99]
    assert seen[-1] == (11, 11)
    direct = embedder.predict_bytes((tmp_path / "3.jpg").read_bytes())
    assert float(direct @ stored[3]) > 0.999


def test_writer_errors_surface_in_the_caller() -> None:
    def broken(keys: list[int], vectors: np.ndarray) -> None:
        raise RuntimeError("disk full")

    writer = WriterThread(broken)
    writer.put([1], np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(RuntimeError, match="disk full"):
        writer.close()
