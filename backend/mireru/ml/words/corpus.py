"""The training corpus: sentences from a project's items and from an uploaded text file.

An item gives one sentence: its keywords (each multi-word keyword also as one joined token),
then its metadata's string values, then its text. Keeping them together lets word2vec place an
item's keywords near each other and near the words that describe the item. An uploaded corpus is
plain UTF-8 text (gzip allowed); each line is a sentence.
"""

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from mireru.ml.words.errors import VectorFileError
from mireru.ml.words.tokens import keyword_tokens, tokenize

MAX_METADATA_DEPTH = 4


def string_values(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string inside a metadata value (nested objects and lists too, a few levels deep)."""
    if isinstance(value, str):
        yield value
    elif depth < MAX_METADATA_DEPTH and isinstance(value, dict):
        for inner in value.values():
            yield from string_values(inner, depth + 1)
    elif depth < MAX_METADATA_DEPTH and isinstance(value, list):
        for inner in value:
            yield from string_values(inner, depth + 1)


def item_sentence(keywords: Iterable[str], metadata: dict[str, Any], text: str | None) -> list[str]:
    tokens: list[str] = []
    for keyword in keywords:
        tokens.extend(keyword_tokens(keyword))
    for value in string_values(metadata):
        tokens.extend(tokenize(value))
    if text:
        tokens.extend(tokenize(text))
    return tokens


def write_sentence(out: IO[str], tokens: list[str]) -> bool:
    if not tokens:
        return False
    out.write(" ".join(tokens))
    out.write("\n")
    return True


def _open_text(path: Path) -> IO[bytes]:
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else path.open("rb")  # type: ignore[return-value]


def corpus_sentences(path: Path) -> Iterator[list[str]]:
    """Token lists of an uploaded corpus, one per non-empty line."""
    with _open_text(path) as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise VectorFileError(f"corpus line {number}: not UTF-8 text ({exc.reason})") from exc
            tokens = tokenize(line)
            if tokens:
                yield tokens


def check_corpus(path: Path) -> int:
    """Read a whole corpus upload (4xx material if it is not UTF-8 text); returns its tokens."""
    try:
        return sum(len(tokens) for tokens in corpus_sentences(path))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise VectorFileError(f"the corpus cannot be read ({exc})") from exc
