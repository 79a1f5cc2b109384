"""`mireru bench classify` end to end on a handful of digits (its real figures come from the
command with its defaults)."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from mireru.bench.classify import COLUMNS, ClassifyBench, run
from mireru.cli import app


def test_the_bench_reports_both_methods_on_the_same_split() -> None:
    report = run(ClassifyBench(limit=120, epochs=1, batch_size=16))
    assert [row["method"] for row in report.rows] == ["image", "image+measurements"]
    for row in report.rows:
        assert set(row) == set(COLUMNS)
        assert 0.0 <= row["accuracy"] <= 1.0
        assert 0.0 <= row["macro_f1"] <= 1.0
        assert row["train_img_s"] > 0
        assert row["infer_img_s"] > 0
    assert any("fail if temperature_c > 35 + 4 x digit" in note for note in report.notes)
    assert any("90 train / 30 val" in note for note in report.notes)


def test_the_command_prints_json_rows_on_stdout() -> None:
    args = ["bench", "classify", "--dataset", "digits", "--limit", "100", "--epochs", "1", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "mireru.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert [row["method"] for row in body["rows"]] == ["image", "image+measurements"]
    assert [set(row) for row in body["rows"]] == [set(COLUMNS)] * 2
    assert "label = the digit" in body["notes"][0]
    assert "image+measurements" in done.stderr  # the table, for people


def test_the_command_names_the_datasets_it_knows() -> None:
    bad = CliRunner().invoke(app, ["bench", "classify", "--dataset", "cifar"])
    assert bad.exit_code != 0
    assert "digits-limits" in bad.output
