"""Reading a gensim KeyedVectors file (`kv.save(path)`) without running pickled code.

Such a file is a pickle, and unpickling an upload with `pickle.load` would run whatever it names.
This unpickler resolves only the numpy array globals and the KeyedVectors class, which it maps to
an inert state holder: no gensim code runs, and anything else is refused.
"""

import pickle
from typing import IO, Any

import numpy as np

from mireru.ml.words.errors import VectorFileError

_NUMPY_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.multiarray", "scalar"),
}
_KEYED_VECTORS = {
    ("gensim.models.keyedvectors", "KeyedVectors"),
    ("gensim.models.keyedvectors", "Word2VecKeyedVectors"),
}


class _State:
    """Stands in for KeyedVectors: keeps the pickled attributes, runs nothing."""

    def __setstate__(self, state: Any) -> None:
        self.state = state


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _KEYED_VECTORS:
            return _State
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        raise VectorFileError(
            f"the pickle refers to {module}.{name}; only gensim KeyedVectors files (kv.save(path)) "
            "are accepted"
        )


def read_keyed_vectors(stream: IO[bytes]) -> tuple[list[str], np.ndarray, list[int] | None]:
    """(words, vectors (n, d), counts or None) from a KeyedVectors pickle."""
    try:
        obj = _Unpickler(stream).load()
    except VectorFileError:
        raise
    except Exception as exc:  # a corrupt pickle raises anything from EOFError to IndexError
        raise VectorFileError(
            f"not a readable gensim KeyedVectors file ({type(exc).__name__}: {exc})"
        ) from exc
    state = getattr(obj, "state", None)
    if not isinstance(state, dict):
        raise VectorFileError("the pickle holds no gensim KeyedVectors object")
    separate = [str(name) for name in state.get("__numpys", [])]
    if "vectors" in separate or ("vectors" not in state and separate):
        raise VectorFileError(
            "the vectors were saved in a separate .npy file beside this one; save the model as one file "
            "with kv.save(path, separately=[]) or upload it in word2vec format"
        )
    words = state.get("index_to_key")
    vectors = state.get("vectors")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise VectorFileError("the KeyedVectors object has no list of words (index_to_key)")
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 or vectors.dtype.kind != "f":
        raise VectorFileError("the KeyedVectors object has no 2-d float vector array")
    if vectors.shape[0] != len(words):
        raise VectorFileError(f"{len(words)} words but {vectors.shape[0]} vectors")
    counts = _counts(state.get("expandos"), len(words))
    return words, vectors, counts


def _counts(expandos: Any, n: int) -> list[int] | None:
    if not isinstance(expandos, dict):
        return None
    counts = expandos.get("count")
    if isinstance(counts, np.ndarray) and counts.shape == (n,) and counts.dtype.kind in "iu":
        return [int(c) for c in counts]
    return None
