"""`mireru bench keywords` end to end on a handful of digits (its real figures come from the
command with its defaults), and the dataset it builds."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from mireru.bench.keyword_data import HELD_OUT, build, tags
from mireru.bench.keywords import COLUMNS, zero_shot


def test_the_dataset_tags_images_and_places_held_out_words_near_their_partners(tmp_path: Path) -> None:
    data = build(tmp_path, limit=120)
    assert len(data.train) + len(data.val) + len(data.test) == 120
    assert tags(8, 1.3) == ("eight", "even", "loop", "curve", "double", "bold", "ring", "arc", "heavy")
    assert tags(1, 1.0) == ("one", "odd", "straight", "vertical")
    training = data.training_words()
    assert not set(HELD_OUT) & set(training)  # never a target
    assert all(not set(HELD_OUT) & set(r.keywords) for r in data.records(data.train))

    def nearest(word: str) -> str:
        vectors = {w: np.asarray(v) / np.linalg.norm(v) for w, v in data.vectors.items()}
        return max((w for w in vectors if w != word), key=lambda w: float(vectors[w] @ vectors[word]))

    assert {word: nearest(word) for word in HELD_OUT} == HELD_OUT


def test_zero_shot_counts_pairs_of_images_and_held_out_words_they_have(tmp_path: Path) -> None:
    data = build(tmp_path, limit=30)
    images = [i for i in data.test if "ring" in i.keywords][:1] + [
        i for i in data.test if "ring" not in i.keywords
    ][:1]
    suggestions = [[("ring", 0.9), ("loop", 0.95)], [("ring", 0.8)]]
    rate, precision, pairs = zero_shot(images, suggestions, ["ring"])
    assert (rate, precision, pairs) == (1.0, 0.5, 1)


def test_the_command_prints_exactly_the_rows_as_a_json_list() -> None:
    args = ["bench", "keywords", "--limit", "150", "--epochs", "1", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "mireru.cli", *args], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["method"] for row in rows] == ["greedy", "hungarian", "bce"]
    assert [list(row) for row in rows] == [COLUMNS] * 3
    assert rows[2]["zero_shot_hit_rate"] is None  # a classifier has no output for an unseen word
    for row in rows:
        for column in COLUMNS[1:5]:
            assert row[column] >= 0.0
    assert "scikit-learn digits" in done.stderr  # the table and how the data was built, for people
