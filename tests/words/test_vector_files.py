"""Reading word2vec text/binary, GloVe and KeyedVectors files, and refusing malformed ones."""

import pickle
from pathlib import Path

import numpy as np
import pytest

from mireru.ml.words.errors import VectorFileError
from mireru.ml.words.vector_files import VectorReader, detect_format, inspect_file, open_vectors
from tests.words.vector_files import VECTORS, write_file

FORMATS = ["word2vec-text", "word2vec-binary", "glove", "keyedvectors"]


@pytest.mark.parametrize("fmt", [*FORMATS, "word2vec-binary+gz", "glove+gz"])
def test_every_format_reads_back_what_gensim_wrote(tmp_path: Path, fmt: str) -> None:
    path = write_file(tmp_path, fmt)
    base = fmt.partition("+")[0]
    assert detect_format(path) == base
    info, checked = inspect_file(path, None, None)
    assert (info.format, info.dimension, checked) == (base, 4, len(VECTORS))
    with open_vectors(path) as stream:
        records = list(VectorReader(stream, info.format))
    assert [word for word, _, _ in records] == list(VECTORS)
    for word, vector, _ in records:
        np.testing.assert_allclose(vector, VECTORS[word], rtol=1e-6)


def _refused(path: Path, fmt: str | None = None) -> str:
    with pytest.raises(VectorFileError) as caught:
        inspect_file(path, fmt, None)  # type: ignore[arg-type]
    return str(caught.value)


def test_malformed_text_files_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text("2 3\nrust 0.1 0.2 0.3\ncrack 0.1 zero 0.3\n")
    assert "line 3: not a number" in _refused(path)
    path.write_text("2 3\nrust 0.1 0.2 0.3\ncrack 0.1 0.3\n")
    assert "line 3: 2 numbers, expected 3" in _refused(path)
    path.write_text("3 3\nrust 0.1 0.2 0.3\ncrack 0.1 0.2 0.3\n")
    assert "announces 3 words, the file has 2" in _refused(path)
    path.write_text("rust 0.1 0.2\ncrack 0.1 nan\n")
    assert "line 2: the vector holds NaN" in _refused(path)
    path.write_bytes(b"rust 0.1 0.2\n\xff\xfe 0.1 0.2\n")
    assert "line 2: not UTF-8" in _refused(path)
    path.write_text("1 5000\nrust 0.1\n")
    assert "dimension 5000 is outside" in _refused(path)
    path.write_text("")
    assert "empty" in _refused(path)


def test_a_truncated_binary_file_names_the_word(tmp_path: Path) -> None:
    path = write_file(tmp_path, "word2vec-binary")
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    assert "word 7: the file ends inside the vector" in _refused(path)


def test_a_text_file_given_as_binary_is_refused(tmp_path: Path) -> None:
    path = write_file(tmp_path, "glove")
    assert "word2vec header" in _refused(path, "word2vec-binary")


def test_a_pickle_naming_anything_but_keyed_vectors_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(marker),))  # type: ignore[return-value]

    path = tmp_path / "evil.kv"
    path.write_bytes(pickle.dumps(Evil(), protocol=4))
    message = _refused(path)
    assert "only gensim KeyedVectors files" in message
    assert not marker.exists()


def test_keyed_vectors_saved_in_two_files_are_refused(tmp_path: Path) -> None:
    from tests.words.vector_files import keyed_vectors

    path = tmp_path / "split.kv"
    keyed_vectors().save(str(path), sep_limit=0)  # the vectors go to split.kv.vectors.npy
    assert "separate .npy file" in _refused(path)
