"""The phrase rule: which vocabulary entries give a word or phrase its vector.

1. The text itself, then lower-cased: "crack", "New_York".
2. A multi-word phrase joined with "_" (as gensim phrases and keyword training write it), as
   given, then lower-cased: "fatigue crack" → "fatigue_crack".
3. Else the mean of the L2-normalised vectors of its words that are in the vocabulary (each as
   given, else lower-cased), re-normalised. Words not in the vocabulary are left out and reported.
4. No word in the vocabulary: no vector (callers answer 422 naming the words).

Stored vectors are already unit length, so step 3 averages directions, not magnitudes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from mireru.ml.words.tokens import PHRASE_JOINER

How = Literal["word", "phrase-token", "mean"]


@dataclass(frozen=True)
class Resolved:
    """A text's vector (unit length) and how it was found."""

    text: str
    vector: np.ndarray
    how: How
    used: list[str]
    missing: list[str] = field(default_factory=list)


def parts(text: str) -> list[str]:
    return text.split()


def _variants(token: str) -> list[str]:
    lower = token.lower()
    return [token] if lower == token else [token, lower]


def whole_keys(text: str) -> list[str]:
    """Vocabulary entries that stand for the whole text, in the order tried."""
    words = parts(text)
    keys: list[str] = []
    if len(words) == 1:
        keys.extend(_variants(words[0]))
    elif words:
        keys.extend(_variants(" ".join(words)))
        keys.extend(_variants(PHRASE_JOINER.join(words)))
    return list(dict.fromkeys(keys))


def lookup_keys(text: str) -> list[str]:
    """Every vocabulary entry the rule may need for `text` (fetch these, then call `resolve`)."""
    keys = whole_keys(text)
    words = parts(text)
    if len(words) > 1:
        for word in words:
            keys.extend(_variants(word))
    return list(dict.fromkeys(keys))


def normalise(vector: np.ndarray) -> np.ndarray | None:
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    if not np.isfinite(norm) or norm == 0.0:
        return None
    return v / norm


def resolve(text: str, table: Mapping[str, np.ndarray]) -> Resolved | None:
    """Apply the rule with `table` holding (at least) the found entries of `lookup_keys(text)`."""
    words = parts(text)
    for key in whole_keys(text):
        if key in table:
            how: How = "word" if len(words) == 1 else "phrase-token"
            vector = normalise(table[key])
            if vector is not None:
                return Resolved(text, vector, how, [key])
    if len(words) < 2:
        return None
    used: list[str] = []
    missing: list[str] = []
    found: list[np.ndarray] = []
    for word in words:
        hit = next((k for k in _variants(word) if k in table), None)
        unit = normalise(table[hit]) if hit is not None else None
        if hit is None or unit is None:
            missing.append(word)
            continue
        used.append(hit)
        found.append(unit)
    if not found:
        return None
    mean = normalise(np.mean(np.stack(found), axis=0))
    if mean is None:  # opposite vectors cancel out: no direction to search
        return None
    return Resolved(text, mean, "mean", used, missing)
