"""The keyword benchmark's dataset, built offline from real images.

Images: scikit-learn's handwritten digits (1,797 scans, 8x8 pixels of 17 grey levels, shipped
with the package), upscaled to 32x32 PNGs. Keywords per image, 4 to 6 of them:
- the digit's name ("seven") and parity ("odd"), "prime" for 2, 3, 5, 7;
- shape words of the digit: "loop", "curve", "straight", "round", "cross", "vertical",
  "diagonal", "double" (see SHAPES);
- "bold" or "thin" when the image's own ink is more than 20% above or below the median of its
  digit, so the count and the set vary within a digit, and only the pixels tell.

Word vectors: gensim Word2Vec (skip-gram, 32-d) trained on a generated corpus of descriptive
sentences ("the digit eight has a loop", "a ring is a closed arc", ...). Three words are held
out: "ring", "arc" and "heavy" are true of exactly the images that have "loop", "curve" and
"bold"; the descriptive sentences use one or the other at random, and one sentence in twenty
is of other kinds, where each has contexts of its own (a gold ring, heavy rain), so each gets a
vector near its partner but not the same (cosine about 0.8-0.9). They are never training
targets. A model that places outputs on the trained words' vectors can still suggest them
through the word space (the zero-shot check); a classifier over the training vocabulary cannot.
"""

import random
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mireru.ml.keyword_estimation.data import KeywordRecord

NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
PRIMES = {2, 3, 5, 7}
SHAPES: dict[int, tuple[str, ...]] = {
    0: ("loop", "curve", "round"),
    1: ("straight", "vertical"),
    2: ("curve",),
    3: ("curve",),
    4: ("straight", "cross"),
    5: ("curve", "straight"),
    6: ("loop", "curve"),
    7: ("straight", "diagonal"),
    8: ("loop", "curve", "double"),
    9: ("loop", "curve"),
}
HELD_OUT = {"ring": "loop", "arc": "curve", "heavy": "bold"}  # held-out word -> its trained partner
SYNONYMS = {partner: (partner, word) for word, partner in HELD_OUT.items()}
BOLD, THIN = 1.2, 0.8
IMAGE_SIZE = 32
DIM = 32


@dataclass(frozen=True)
class TaggedImage:
    path: str
    digit: int
    keywords: tuple[str, ...]  # every true keyword, held-out words included


@dataclass
class KeywordBenchData:
    train: list[TaggedImage]
    val: list[TaggedImage]
    test: list[TaggedImage]
    vectors: dict[str, list[float]]  # the whole word model: every word of the corpus

    @property
    def held_out(self) -> tuple[str, ...]:
        return tuple(HELD_OUT)

    def records(self, images: list[TaggedImage]) -> list[KeywordRecord]:
        """As training sees them: held-out words removed."""
        return [KeywordRecord(i.path, tuple(k for k in i.keywords if k not in HELD_OUT)) for i in images]

    def training_words(self) -> list[str]:
        return sorted({k for r in self.records(self.train) for k in r.keywords})

    def description(self) -> list[str]:
        counts = [len(r.keywords) for r in self.records(self.test)]
        return [
            f"data: scikit-learn digits (real 8x8 scans) upscaled to {IMAGE_SIZE} px; {len(self.train)} "
            f"train / {len(self.val)} val / {len(self.test)} test images, stratified by digit",
            f"keywords: name, parity, prime, shape words, bold/thin from each image's ink; "
            f"{len(self.training_words())} training keywords, {min(counts)}-{max(counts)} per image",
            f"word vectors: gensim Word2Vec (skip-gram, {DIM}-d) on {CORPUS_SENTENCES} generated sentences, "
            f"{len(self.vectors)} words; held out of training: "
            + ", ".join(f"{w} (~{p})" for w, p in HELD_OUT.items()),
        ]


def tags(digit: int, ink_ratio: float) -> tuple[str, ...]:
    words = [NAMES[digit], "even" if digit % 2 == 0 else "odd"]
    if digit in PRIMES:
        words.append("prime")
    words += SHAPES[digit]
    if ink_ratio > BOLD:
        words.append("bold")
    elif ink_ratio < THIN:
        words.append("thin")
    return tuple(words) + tuple(w for w, partner in HELD_OUT.items() if partner in words)


# --- the corpus ------------------------------------------------------------------------------------

CORPUS_SENTENCES = 6000
# Sentences where a held-out word and its partner are not interchangeable, so their vectors are
# near but not the same (a real corpus is like that): how often, and which.
OWN_CONTEXT = 0.05
OWN_SENTENCES = (
    "she wears a gold ring on her finger",
    "the phone will ring twice",
    "a boxer waits in the ring",
    "the program runs the loop again",
    "a loop of rope hangs on the hook",
    "the sun moves in an arc across the sky",
    "an arc of light jumps between wires",
    "the road has a sharp curve ahead",
    "the ball follows a curve to the goal",
    "a heavy box is hard to lift",
    "heavy rain fell all night",
    "a bold idea needs courage",
    "the bold title stands out on the page",
)


# What each keyword means, in words of its own, so that keywords used with the same digits still
# get distinguishable vectors ({x} is a keyword or, at random, its held-out partner).
DEFINITIONS = (
    "a {loop} goes around and comes back to where it started",
    "a {curve} bends smoothly like a bow",
    "a straight line never bends",
    "a cross is made of two lines that meet in the middle",
    "a vertical line stands upright from top to bottom",
    "a diagonal line runs from one corner to the opposite corner",
    "round means shaped like a circle or a ball",
    "double means twice or two of the same",
    "even numbers split into two equal halves",
    "odd numbers leave one over when split in halves",
    "a prime number has no divisors except one and itself",
    "a {bold} stroke uses much ink and looks dark",
    "a thin stroke uses little ink and looks light",
)
DEFINE = 0.3


def _sentence(rng: random.Random) -> list[str]:
    def say(word: str) -> str:
        return rng.choice(SYNONYMS.get(word, (word,)))

    if rng.random() < OWN_CONTEXT:
        return rng.choice(OWN_SENTENCES).split()
    if rng.random() < DEFINE:
        text = rng.choice(DEFINITIONS)
        return text.format(**{w: say(w) for w in SYNONYMS}).split()

    digit = rng.randrange(10)
    name, parity = NAMES[digit], "even" if digit % 2 == 0 else "odd"
    shape = rng.choice(SHAPES[digit])
    stroke = rng.choice(("bold", "thin"))
    templates = [
        f"the digit {name} is {parity}",
        f"{name} is an {parity} number",
        f"the digit {name} has a {say(shape)}",
        f"a {name} is drawn with a {say(shape)}",
        f"people write {name} with one {say(shape)}",
        f"a {say(stroke)} {name} is written with {'thick' if stroke == 'bold' else 'fine'} strokes",
        f"a {say('loop')} is a closed {say('curve')}",
        f"a straight line has no {say('curve')}",
        f"{name} comes after {NAMES[digit - 1]} and before {NAMES[(digit + 1) % 10]}",
    ]
    if digit in PRIMES:
        templates += [f"{name} is a prime number", f"the prime {name} is {parity}"]
    return rng.choice(templates).split()


def corpus(seed: int, sentences: int = CORPUS_SENTENCES) -> list[list[str]]:
    rng = random.Random(seed)
    return [_sentence(rng) for _ in range(sentences)]


def _stable_hash(text: str) -> int:
    # gensim seeds each word's initial vector with hashfxn; Python's hash() changes per process.
    return zlib.crc32(text.encode())


def word_vectors(seed: int) -> dict[str, list[float]]:
    from gensim.models import Word2Vec

    model = Word2Vec(
        corpus(seed),
        vector_size=DIM,
        window=4,
        min_count=1,
        sg=1,
        negative=5,
        epochs=15,
        seed=seed,
        workers=1,
        hashfxn=_stable_hash,
    )
    return {word: model.wv[word].astype(float).tolist() for word in model.wv.index_to_key}


# --- the images ------------------------------------------------------------------------------------


def _split(digits: np.ndarray, seed: int, test: float, val: float) -> tuple[list[int], list[int], list[int]]:
    rng = np.random.default_rng(seed)
    train, val_ids, test_ids = [], [], []
    for digit in range(10):
        ids = rng.permutation(np.flatnonzero(digits == digit)).tolist()
        n_test = round(len(ids) * test)
        n_val = round((len(ids) - n_test) * val)
        test_ids += ids[:n_test]
        val_ids += ids[n_test : n_test + n_val]
        train += ids[n_test + n_val :]
    return train, val_ids, test_ids


def build(
    folder: Path, seed: int = 0, test: float = 0.25, val: float = 0.15, limit: int | None = None
) -> KeywordBenchData:
    """Write the PNGs under `folder` and return the splits and the word model; `limit`: use only
    that many images (a seeded random choice), for quick checks."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = digits.images / 16.0
    ink = pixels.sum(axis=(1, 2))
    median = {d: float(np.median(ink[digits.target == d])) for d in range(10)}
    chosen = np.arange(len(pixels))
    if limit is not None:
        chosen = np.sort(np.random.default_rng(seed).permutation(len(pixels))[:limit])
    folder.mkdir(parents=True, exist_ok=True)
    tagged = []
    for index in chosen.tolist():
        path = folder / f"digit-{index:04d}.png"
        grey = Image.fromarray((pixels[index] * 255).astype(np.uint8), mode="L")
        grey.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR).save(path)
        d = int(digits.target[index])
        tagged.append(TaggedImage(str(path), d, tags(d, float(ink[index]) / median[d])))
    train, val_ids, test_ids = _split(digits.target[chosen], seed, test, val)
    return KeywordBenchData(
        train=[tagged[i] for i in train],
        val=[tagged[i] for i in val_ids],
        test=[tagged[i] for i in test_ids],
        vectors=word_vectors(seed),
    )
