"""Word2vec on a project's own text (gensim), from a one-sentence-per-line token file."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import Word2Vec
from gensim.models.callbacks import CallbackAny2Vec

from mireru.ml.words.vocabulary import Record

EpochHook = Callable[[int, int], None]


@dataclass(frozen=True)
class Word2VecParams:
    vector_size: int = 64
    window: int = 5
    min_count: int = 2
    epochs: int = 10
    sg: bool = True  # skip-gram: better than CBOW for rare words, which keyword corpora are full of
    negative: int = 5
    seed: int = 0
    workers: int = 2


class _Progress(CallbackAny2Vec):  # type: ignore[misc]
    def __init__(self, epochs: int, hook: EpochHook) -> None:
        self.epochs = epochs
        self.hook = hook
        self.done = 0

    def on_epoch_end(self, model: Any) -> None:  # noqa: ARG002 (gensim's signature)
        self.done += 1
        self.hook(self.done, self.epochs)


class LineCorpus:
    """Re-iterable sentences of a token file (one sentence per line, tokens split by spaces)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[list[str]]:
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                tokens = line.split()
                if tokens:
                    yield tokens


def count_tokens(path: Path) -> tuple[int, int]:
    """(sentences, tokens) in a token file."""
    sentences = tokens = 0
    for sentence in LineCorpus(path):
        sentences += 1
        tokens += len(sentence)
    return sentences, tokens


def train_word2vec(corpus: Path, params: Word2VecParams, on_epoch: EpochHook | None = None) -> list[Record]:
    """Train and return (word, vector, count) for the vocabulary, most frequent first. Raises
    ValueError when no word reaches min_count."""
    callbacks = [_Progress(params.epochs, on_epoch)] if on_epoch is not None else []
    model = Word2Vec(
        vector_size=params.vector_size,
        window=params.window,
        min_count=params.min_count,
        sg=int(params.sg),
        negative=params.negative,
        seed=params.seed,
        workers=params.workers,
    )
    sentences = LineCorpus(corpus)
    model.build_vocab(corpus_iterable=sentences)
    if len(model.wv.index_to_key) == 0:
        raise ValueError(
            f"no word occurs at least min_count={params.min_count} times in the corpus; lower min_count "
            "or add text"
        )
    model.train(
        corpus_iterable=sentences,
        total_examples=model.corpus_count,
        epochs=params.epochs,
        callbacks=callbacks,
    )
    wv = model.wv
    vectors = np.asarray(wv.vectors, dtype=np.float32)
    return [(word, vectors[i], int(wv.get_vecattr(word, "count"))) for i, word in enumerate(wv.index_to_key)]
