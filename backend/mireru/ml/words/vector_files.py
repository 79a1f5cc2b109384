"""Pretrained word vector files: word2vec text and binary, GloVe text (no header), and gensim
KeyedVectors; gzip-compressed copies of any of them are read too.

Readers stream records (word, vector, count or 0) and raise `VectorFileError` with the record's
line or number on the first malformed one, so a request can check the start of an upload and a
job can read the whole of it with the same code.
"""

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import numpy as np

from mireru.ml.words.errors import VectorFileError
from mireru.ml.words.keyed_vectors import read_keyed_vectors

Format = Literal["word2vec-text", "word2vec-binary", "glove", "keyedvectors"]
FORMATS: tuple[Format, ...] = ("word2vec-text", "word2vec-binary", "glove", "keyedvectors")
MAX_DIMENSION = 2000  # pgvector indexes vectors of up to 2,000 dimensions
MAX_WORD_BYTES = 1000
_GZIP_MAGIC = b"\x1f\x8b"
_PICKLE_PROTOCOLS = (2, 3, 4, 5)

Record = tuple[str, np.ndarray, int]


@dataclass(frozen=True)
class FileInfo:
    format: Format
    dimension: int
    declared_words: int | None  # the word2vec header's count; None for GloVe and KeyedVectors


@contextmanager
def open_vectors(path: Path) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed when it is gzip."""
    with path.open("rb") as raw:
        gz = raw.read(2) == _GZIP_MAGIC
    if gz:
        with gzip.open(path, "rb") as stream:
            yield stream  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield stream


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VectorFileError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _header(line: str) -> tuple[int, int] | None:
    fields = line.split()
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        return None
    return int(fields[0]), int(fields[1])


def _floats(fields: list[str], dimension: int, where: str) -> np.ndarray:
    if len(fields) != dimension:
        raise VectorFileError(f"{where}: {len(fields)} numbers, expected {dimension}")
    try:
        vector = np.array(fields, dtype=np.float32)
    except ValueError as exc:
        raise VectorFileError(f"{where}: not a number ({exc})") from exc
    if not np.isfinite(vector).all():
        raise VectorFileError(f"{where}: the vector holds NaN or infinity")
    return vector


def _check_dimension(dimension: int, where: str) -> None:
    if not 1 <= dimension <= MAX_DIMENSION:
        raise VectorFileError(f"{where}: dimension {dimension} is outside 1..{MAX_DIMENSION}")


def detect_format(path: Path) -> Format:
    """Guess the format from the first bytes: a pickle, a word2vec header followed by text or
    by binary floats, or GloVe's header-less text."""
    with open_vectors(path) as stream:
        head = stream.read(1 << 16)
    if not head.strip():
        raise VectorFileError("the file is empty")
    if head[0] == 0x80 and len(head) > 1 and head[1] in _PICKLE_PROTOCOLS:
        return "keyedvectors"
    first, _, rest = head.partition(b"\n")
    header = _header(_decode(first, "line 1"))
    if header is None:
        return "glove"
    second = rest.partition(b"\n")[0]
    try:
        fields = second.decode("utf-8").split()
        np.array(fields[1:], dtype=np.float32)
        text = len(fields) == header[1] + 1
    except (UnicodeDecodeError, ValueError):
        text = False
    return "word2vec-text" if text else "word2vec-binary"


class VectorReader:
    """Iterate a file's records; `info` is known once the reader is built (header read)."""

    def __init__(self, stream: IO[bytes], fmt: Format) -> None:
        self.stream = stream
        self.format = fmt
        self._pending: Record | None = None
        self._kv: tuple[list[str], np.ndarray, list[int] | None] | None = None
        if fmt == "keyedvectors":
            self._kv = read_keyed_vectors(stream)
            _, vectors, _ = self._kv
            _check_dimension(int(vectors.shape[1]), "KeyedVectors")
            self.info = FileInfo(fmt, int(vectors.shape[1]), None)
        elif fmt == "glove":
            self._line = 0
            self._pending = self._glove_record(None)
            if self._pending is None:
                raise VectorFileError("the file holds no vectors")
            self.info = FileInfo(fmt, int(self._pending[1].shape[0]), None)
        else:
            raw = stream.readline()
            header = _header(_decode(raw, "line 1"))
            if header is None:
                raise VectorFileError(
                    f"line 1: expected the word2vec header '<words> <dimension>', got {raw[:80]!r}"
                )
            count, dimension = header
            _check_dimension(dimension, "line 1")
            self.info = FileInfo(fmt, dimension, count)
            self._line = 1

    def __iter__(self) -> Iterator[Record]:
        if self._kv is not None:
            words, vectors, counts = self._kv
            for i, word in enumerate(words):
                vector = np.asarray(vectors[i], dtype=np.float32)
                if not np.isfinite(vector).all():
                    raise VectorFileError(f"word {i + 1} ({word!r}): the vector holds NaN or infinity")
                yield word, vector, counts[i] if counts is not None else 0
        elif self.format == "glove":
            while self._pending is not None:
                yield self._pending
                self._pending = self._glove_record(self.info.dimension)
        elif self.format == "word2vec-text":
            yield from self._word2vec_text()
        else:
            yield from self._word2vec_binary()

    def _glove_record(self, dimension: int | None) -> Record | None:
        for raw in self.stream:
            self._line += 1
            where = f"line {self._line}"
            fields = _decode(raw, where).split()
            if not fields:
                continue
            if dimension is None:
                if len(fields) < 2:
                    raise VectorFileError(f"{where}: expected '<word> <numbers...>'")
                dimension = len(fields) - 1
                _check_dimension(dimension, where)
            if len(fields) < dimension + 1:
                raise VectorFileError(f"{where}: {len(fields) - 1} numbers, expected {dimension}")
            split = len(fields) - dimension  # GloVe words may hold spaces: the numbers are the tail
            return " ".join(fields[:split]), _floats(fields[split:], dimension, where), 0
        return None

    def _word2vec_text(self) -> Iterator[Record]:
        declared = self.info.declared_words or 0
        found = 0
        for raw in self.stream:
            self._line += 1
            where = f"line {self._line}"
            fields = _decode(raw, where).split()
            if not fields:
                continue
            found += 1
            if found > declared:
                raise VectorFileError(f"{where}: the header announces {declared} words, the file has more")
            yield fields[0], _floats(fields[1:], self.info.dimension, where), 0
        if found < declared:
            raise VectorFileError(f"the header announces {declared} words, the file has {found}")

    def _word2vec_binary(self) -> Iterator[Record]:
        declared = self.info.declared_words or 0
        size = 4 * self.info.dimension
        for index in range(1, declared + 1):
            where = f"word {index}"
            word = bytearray()
            while True:
                ch = self.stream.read(1)
                if not ch:
                    raise VectorFileError(f"{where}: the file ends (the header announces {declared} words)")
                if ch == b" ":
                    break
                if ch == b"\n" and not word:
                    continue
                word += ch
                if len(word) > MAX_WORD_BYTES:
                    raise VectorFileError(
                        f"{where}: no space after {MAX_WORD_BYTES} bytes; not word2vec binary"
                    )
            raw = self.stream.read(size)
            if len(raw) != size:
                raise VectorFileError(
                    f"{where}: the file ends inside the vector ({len(raw)} of {size} bytes)"
                )
            vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
            if not np.isfinite(vector).all():
                raise VectorFileError(f"{where}: the vector holds NaN or infinity")
            yield _decode(bytes(word), where), vector, 0
        if self.stream.read(1 << 16).strip():
            raise VectorFileError(f"the header announces {declared} words, the file has more data")


def inspect_file(path: Path, fmt: Format | None, max_records: int | None) -> tuple[FileInfo, int]:
    """Detect (or confirm) the format and read up to `max_records` records (all when None);
    returns the file's info and how many records were checked. Raises VectorFileError."""
    try:
        chosen = fmt or detect_format(path)
        with open_vectors(path) as stream:
            reader = VectorReader(stream, chosen)
            checked = 0
            for _ in reader:
                checked += 1
                if max_records is not None and checked >= max_records:
                    break
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise VectorFileError(f"the file cannot be read ({exc})") from exc
    if checked == 0:
        raise VectorFileError("the file holds no vectors")
    return reader.info, checked
