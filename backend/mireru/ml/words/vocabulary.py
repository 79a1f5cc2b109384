"""From raw records to what is stored: unit-length vectors, one per distinct word.

Records the table cannot hold are skipped and counted rather than failing the whole file: empty
words, words with NUL characters or longer than the column, repeated words (the first wins, as
gensim keeps it) and all-zero vectors (no direction).
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from mireru.ml.words.errors import VectorFileError

Record = tuple[str, np.ndarray, int]


@dataclass
class CleanStats:
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {"words": self.kept, "skipped": dict(self.skipped)}


def unit_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows scaled to unit length, and which rows could be (non-zero, finite)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    ok = np.isfinite(norms) & (norms > 0)
    safe = np.where(ok, norms, 1.0).astype(np.float32)
    return vectors / safe[:, None], ok


def clean(
    records: Iterable[Record],
    dimension: int,
    stats: CleanStats,
    limit: int | None = None,
    max_word_length: int = 200,
) -> Iterator[Record]:
    """Yield (word, unit vector, count) for storable records, up to `limit` words."""
    seen: set[str] = set()
    for word, vector, count in records:
        if limit is not None and stats.kept >= limit:
            return
        if vector.shape != (dimension,):
            raise VectorFileError(f"{word!r}: {vector.shape[0]} numbers, expected {dimension}")
        if not word:
            stats.skipped["empty"] += 1
            continue
        if "\x00" in word or len(word) > max_word_length:
            stats.skipped["unstorable"] += 1
            continue
        if word in seen:
            stats.skipped["duplicate"] += 1
            continue
        norm = float(np.linalg.norm(vector))
        if not np.isfinite(norm) or norm == 0.0:
            stats.skipped["zero_vector"] += 1
            continue
        seen.add(word)
        stats.kept += 1
        yield word, (vector / norm).astype(np.float32), int(count)


def batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
