"""A run measures its starting point: the untrained network (`baseline/*`, before the first step)
and, for embedding kinds, the project's active search space on the same validation items
(`baseline/space/*`); both travel with the model version, and a version that ends below them is
registered with warnings people can see."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.embeddings.helpers import create_space, space
from tests.training.factories import get_run, labelled_project, start_run


def test_an_embedding_run_reports_the_untrained_network_and_the_active_space(
    live: TestClient, run_jobs: Callable[[], int]
) -> None:
    pid = labelled_project(live, "train-baseline", per_class=8, val_per_class=3)
    built = create_space(live, pid, name="pretrained")
    run_jobs()  # embed and index the pretrained space, which becomes the active one
    assert space(live, pid, built["id"])["active"]

    run = start_run(live, pid, epochs=1)
    run_jobs()
    done = get_run(live, pid, run["id"])
    assert done["status"] == "succeeded", done.get("error")

    points = {p["name"]: p for p in done["metric_points"]}
    for name in ("baseline/recall@1", "baseline/map@r", "baseline/space/recall@1", "baseline/space/map@r"):
        assert (points[name]["epoch"], points[name]["step"]) == (0, 0), name
        assert 0.0 <= points[name]["value"] <= 1.0
    assert {"val/recall@1", "val/map@r", "val/mean_cosine"} <= set(points)
    messages = [line["message"] for line in done["log_tail"]]
    assert any(m.startswith("before training: baseline/") for m in messages)
    assert any("the active search space 'pretrained'" in m for m in messages)

    [version] = live.get(f"/api/v1/projects/{pid}/models").json()["models"]
    assert {"baseline/recall@1", "baseline/space/recall@1", "val/recall@1"} <= set(version["metrics"])
    warnings = version["config"]["warnings"]
    assert isinstance(warnings, list)
    # Whatever one tiny epoch reached, a version below the active space says so.
    if version["metrics"]["val/recall@1"] < version["metrics"]["baseline/space/recall@1"]:
        assert any("below the active search space" in w for w in warnings)
    else:
        assert not any("below the active search space" in w for w in warnings)
