"""The phrase rule and tokenising, on hand-made vectors."""

import numpy as np
import pytest

from mireru.ml.words.corpus import item_sentence, string_values
from mireru.ml.words.phrases import lookup_keys, resolve
from mireru.ml.words.tokens import keyword_tokens, tokenize

TABLE = {
    "crack": np.array([3.0, 0.0, 0.0]),
    "fatigue": np.array([0.0, 2.0, 0.0]),
    "fatigue_crack": np.array([0.0, 0.0, 5.0]),
    "New_York": np.array([1.0, 1.0, 0.0]),
    "rust": np.array([0.0, 0.0, 0.0]),  # no direction: treated as unknown
}


def test_a_single_word_is_looked_up_then_lower_cased() -> None:
    found = resolve("Crack", TABLE)
    assert found is not None
    assert (found.how, found.used) == ("word", ["crack"])
    np.testing.assert_allclose(found.vector, [1.0, 0.0, 0.0])


def test_a_phrase_uses_its_joined_token_when_the_vocabulary_has_it() -> None:
    found = resolve("fatigue  crack", TABLE)
    assert found is not None
    assert (found.how, found.used) == ("phrase-token", ["fatigue_crack"])
    np.testing.assert_allclose(found.vector, [0.0, 0.0, 1.0])
    case_kept = resolve("New York", TABLE)
    assert case_kept is not None
    assert case_kept.used == ["New_York"]


def test_otherwise_a_phrase_is_the_renormalised_mean_of_its_known_words() -> None:
    found = resolve("crack fatigue widening", TABLE)
    assert found is not None
    assert (found.how, found.used, found.missing) == ("mean", ["crack", "fatigue"], ["widening"])
    # unit vectors (1,0,0) and (0,1,0): their mean re-normalised, whatever the stored lengths
    np.testing.assert_allclose(found.vector, [2**-0.5, 2**-0.5, 0.0], rtol=1e-6)


def test_unknown_words_and_zero_vectors_give_nothing() -> None:
    assert resolve("widening", TABLE) is None
    assert resolve("rust", TABLE) is None
    assert resolve("rust widening", TABLE) is None


def test_lookup_keys_cover_every_entry_the_rule_may_need() -> None:
    assert lookup_keys("Fatigue Crack") == [
        "Fatigue Crack",
        "fatigue crack",
        "Fatigue_Crack",
        "fatigue_crack",
        "Fatigue",
        "fatigue",
        "Crack",
        "crack",
    ]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Fatigue crack, near the WELD.", ["fatigue", "crack", "near", "the", "weld"]),
        ("cross-section o'clock 3_mm", ["cross-section", "o'clock", "3", "mm"]),
        ("Rißbildung am Träger", ["rißbildung", "am", "träger"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_keywords_and_metadata_become_one_sentence_per_item() -> None:
    assert keyword_tokens("Fatigue crack") == ["fatigue_crack", "fatigue", "crack"]
    meta = {"site": "Bridge A", "nested": {"deck": ["steel girder"]}, "span": 3}
    assert list(string_values(meta)) == ["Bridge A", "steel girder"]
    sentence = item_sentence(["Fatigue crack", "rust"], meta, "Seen at the weld.")
    assert sentence == [
        "fatigue_crack",
        "fatigue",
        "crack",
        "rust",
        "bridge",
        "a",
        "steel",
        "girder",
        "seen",
        "at",
        "the",
        "weld",
    ]
