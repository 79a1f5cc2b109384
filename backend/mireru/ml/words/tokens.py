"""How project text becomes word2vec tokens, and how a multi-word keyword becomes one token.

Tokens are lower-cased runs of letters and digits, keeping inner hyphens and apostrophes
("cross-section", "o'clock"). A multi-word keyword ("Fatigue crack") is also written as one token
joined with "_" ("fatigue_crack"), gensim-phrases style, so trained models learn a vector for the
keyword itself besides its words.
"""

import re

_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)
PHRASE_JOINER = "_"


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of free text."""
    return [m.group(0).lower() for m in _TOKEN.finditer(text)]


def joined(words: list[str]) -> str:
    return PHRASE_JOINER.join(words)


def keyword_tokens(keyword: str) -> list[str]:
    """A keyword's tokens for training: its words, preceded by the joined phrase token when it
    has several words ("fatigue crack" → ["fatigue_crack", "fatigue", "crack"])."""
    words = tokenize(keyword)
    if len(words) > 1:
        return [joined(words), *words]
    return words
