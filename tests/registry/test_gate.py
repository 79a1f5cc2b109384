"""registry.gate's shared rules: the held-out split chosen, the deterministic sample under a cap,
and the measures the listeners install."""

import pytest

from mireru import listeners
from mireru.embeddings import deploy_gate as embedding_gate
from mireru.predict import deploy_gate as prediction_gate
from mireru.registry import gate


def test_a_sample_under_a_cap_is_spread_over_the_ids_and_the_same_every_time() -> None:
    ids = list(range(100, 0, -1))
    assert gate.spread(ids, 200) == sorted(ids)
    sample = gate.spread(ids, 10)
    assert sample == [1, 11, 21, 31, 41, 51, 61, 71, 81, 91]
    assert gate.spread(list(reversed(ids)), 10) == sample


def test_test_is_scored_when_it_has_items_else_val_else_the_gate_is_skipped() -> None:
    assert gate.held_out({"test": [5, 3], "val": [1]}, 10, "with a label") == ("test", [3, 5])
    assert gate.held_out({"test": [], "val": [4, 2, 9]}, 2, "with a label") == ("val", [2, 4])
    with pytest.raises(gate.SkipGate, match="no held-out items \\(split test or val\\) with boxes"):
        gate.held_out({"test": [], "val": []}, 10, "with boxes")


def test_the_listeners_install_one_measure_per_kind_of_output() -> None:
    listeners.register()
    assert gate.measure_for("embedding") is embedding_gate.measure
    assert gate.measure_for("prediction") is prediction_gate.measure
