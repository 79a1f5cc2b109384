"""`mireru bench triplet` end to end at a tiny size: every method trains through the shared loop
and the rows carry exactly the documented keys (the real figures come from full-size runs)."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from mireru.bench.metric_datasets import skimage_regions
from mireru.bench.triplet import TripletBench, run
from mireru.bench.triplet_pgvector import pgvector_mining_notes
from mireru.cli import app

KEYS = {"method", "recall_at_1", "map_at_r", "train_s", "mining_share"}


def test_bench_triplet_prints_one_row_per_method_as_json() -> None:
    args = ["bench", "triplet", "--dataset", "digits", "--epochs", "1", "--limit", "30", "--batch-size", "16"]
    result = CliRunner().invoke(app, [*args, "--mining-scale", "60", "--search-scale", "200", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # exactly the rows; the table and notes go to stderr
    assert [r["method"] for r in rows] == ["search_mined", "classification", "random", "batch_hard"]
    for row in rows:
        assert set(row) == KEYS
        assert 0 <= row["recall_at_1"] <= 1
        assert 0 <= row["map_at_r"] <= 1
        assert row["train_s"] > 0
        assert 0 <= row["mining_share"] <= 1
    assert rows[1]["mining_share"] == 0.0  # classification mines nothing
    notes = result.stderr
    assert "mining at 60 images" in notes
    assert "miner alone, 200 x 64 vectors, exact" in notes
    assert "miner alone, 200 x 64 vectors, ivf" in notes

    bad = CliRunner().invoke(app, ["bench", "triplet", "--dataset", "mnist", "--epochs", "1"])
    assert bad.exit_code != 0


def test_the_skimage_photos_give_unseen_test_identities_and_a_table(tmp_path: Path) -> None:
    data = skimage_regions(tmp_path, views=2)
    train, val, test = ({t for _, t in split} for split in (data.train, data.val, data.test))
    assert train
    assert val
    assert test
    assert not train & val
    assert not train & test
    assert not val & test
    assert len(data.classes) >= 100  # 3 x 3 regions of every bundled photo

    cfg = TripletBench(
        dataset="skimage",
        epochs=1,
        limit=40,
        batch_size=16,
        engine="ivf",
        methods=("search_mined", "batch_hard"),
    )
    lines = run(cfg, data).table().splitlines()
    assert lines[0].startswith("bench triplet: skimage")
    assert lines[1].split() == ["method", "recall_at_1", "map_at_r", "train_s", "mining_share"]
    assert lines[3].startswith("search_mined")
    assert lines[4].startswith("batch_hard")


def test_one_mining_round_through_pgvector_is_timed_against_memory(engine: Engine) -> None:
    [note] = pgvector_mining_notes(engine, 300, 16, sample=50)
    assert note.startswith("one mining round over 300 x 16 vectors, top 51 each: pgvector HNSW")
    assert "in-memory exact" in note


def test_the_backbone_lr_scale_reaches_every_method_and_warmup_only_search_mining() -> None:
    from mireru.bench.metric_datasets import BenchDataset
    from mireru.bench.triplet import METHODS, build_task

    data = BenchDataset("tiny", ["a", "b"], [("x.png", 0), ("y.png", 1)], [], [])
    cfg = TripletBench(backbone_lr_scale=0.1, classification_warmup_epochs=1, epochs=2)
    tasks = {m: build_task(m, cfg, data) for m in METHODS}
    assert {t.config.backbone_lr_scale for t in tasks.values()} == {0.1}
    assert tasks["search_mined"].classification_warmup_epochs() == 1
    assert tasks["random"].classification_warmup_epochs() == 0
    # At most epochs - 1 warm-up epochs, so that search mining always runs.
    assert build_task("search_mined", replace(cfg, epochs=1), data).classification_warmup_epochs() == 0
    with pytest.raises(ValueError, match="classification_warmup_epochs"):
        TripletBench(classification_warmup_epochs=-1)
