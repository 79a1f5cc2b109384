"""Word vector files written with gensim (and GloVe text by hand) for the import tests."""

import gzip
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

# Hand-placed 4-d vectors: "rust" sits next to "corrosion", "crack" next to "fracture", and
# "fatigue_crack" between "crack" and "fatigue".
VECTORS: dict[str, list[float]] = {
    "corrosion": [1.0, 0.1, 0.0, 0.0],
    "rust": [0.9, 0.2, 0.0, 0.0],
    "crack": [0.0, 0.0, 1.0, 0.1],
    "fracture": [0.0, 0.1, 0.9, 0.0],
    "fatigue": [0.0, 1.0, 0.0, 0.0],
    "fatigue_crack": [0.0, 0.7, 0.7, 0.0],
    "paint": [0.0, 0.0, 0.0, 1.0],
}


def keyed_vectors(vectors: dict[str, list[float]] | None = None) -> KeyedVectors:
    table = vectors or VECTORS
    kv = KeyedVectors(len(next(iter(table.values()))))
    kv.add_vectors(list(table), np.array(list(table.values()), dtype=np.float32))
    return kv


def write_file(directory: Path, fmt: str, vectors: dict[str, list[float]] | None = None) -> Path:
    """VECTORS (or `vectors`) in one format: word2vec-text, word2vec-binary, glove, keyedvectors,
    or any of them gzip-compressed with a "+gz" suffix."""
    base, _, compressed = fmt.partition("+")
    path = directory / f"vectors.{base}"
    kv = keyed_vectors(vectors)
    if base == "word2vec-text":
        kv.save_word2vec_format(str(path), binary=False)
    elif base == "word2vec-binary":
        kv.save_word2vec_format(str(path), binary=True)
    elif base == "keyedvectors":
        kv.save(str(path))
    else:
        lines = [" ".join([w, *(repr(float(x)) for x in kv[w])]) for w in kv.index_to_key]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if compressed:
        packed = path.with_suffix(path.suffix + ".gz")
        packed.write_bytes(gzip.compress(path.read_bytes()))
        return packed
    return path
