"""The deploy gate: a version is scored against what its slot serves on the same held-out items
before it replaces it; a worse one is refused (409 with both figures) unless forced, nothing to
compare skips the gate and says why, and rollback needs no gate. Real tiny models trained by a
real RQ worker, real database and queue."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.embeddings.helpers import MOBILENET
from tests.training.factories import coloured_png, get_run, labelled_project, start_run
from tests.training.test_detector_kind import boxed_project, start_detector
from tests.training.test_keyword_estimation_kind import import_words, keyword_project
from tests.training.test_keyword_estimation_kind import start as start_keywords

CLASSIFIER_PARAMS: dict[str, Any] = {
    "base_model": "tiny-cnn",
    "backbone_lr_scale": 1.0,
    "epochs": 3,
    "batch_size": 8,
    "image_size": 32,
    "lr": 0.01,
    "num_workers": 0,
    "device": "cpu",
    "augmentation": "none",
}

Json = dict[str, Any]


def _train(client: TestClient, pid: int, run_jobs: Callable[[], int], kind: str, **params: Any) -> int:
    if kind == "embedding":
        run = start_run(client, pid, **params)
    else:
        body = {"kind": kind, "params": {**CLASSIFIER_PARAMS, **params}, "dataset": {"filters": {}}}
        response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
        assert response.status_code == 201, response.text
        run = response.json()
    run_jobs()
    done = get_run(client, pid, run["id"])
    assert done["status"] == "succeeded", done.get("error")
    return int(done["model_version_id"])


def _items_by_label(client: TestClient, pid: int) -> dict[str, list[int]]:
    items = client.get(f"/api/v1/projects/{pid}/items", params={"limit": 500}).json()["items"]
    found: dict[str, list[int]] = {}
    for item in items:
        for label in item["labels"]:
            found.setdefault(label, []).append(item["id"])
    return found


def _relabel(client: TestClient, pid: int, ids: list[int], old: str, new: str) -> None:
    body = {"item_ids": ids, "remove_labels": [old], "add_labels": [new]}
    assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200


def _check(client: TestClient, pid: int, version: int) -> Json:
    response = client.get(f"/api/v1/projects/{pid}/models/{version}/deploy-check")
    assert response.status_code == 200, response.text
    gate: Json = response.json()
    return gate


def _deployed(client: TestClient, pid: int) -> list[int]:
    return [m["id"] for m in client.get(f"/api/v1/projects/{pid}/models").json()["models"] if m["deployed"]]


def test_a_worse_classifier_is_refused_with_both_figures_unless_forced_and_rollback_needs_no_gate(
    live_client: TestClient, run_jobs: Callable[[], int]
) -> None:
    c = live_client
    pid = labelled_project(c, "gate-classifier")
    models = f"/api/v1/projects/{pid}/models"
    # A version trained while every label was the wrong colour names the held-out items' colours
    # the other way round once the labels are right again: worse than one trained on the right
    # labels, whatever either learns of the colours.
    colours = _items_by_label(c, pid)
    _relabel(c, pid, colours["red"], "red", "blue")
    _relabel(c, pid, colours["blue"], "blue", "red")
    wrong = _train(c, pid, run_jobs, "classifier")
    _relabel(c, pid, colours["red"], "blue", "red")
    _relabel(c, pid, colours["blue"], "red", "blue")
    right = _train(c, pid, run_jobs, "classifier")

    # Nothing deployed: the check and the deploy skip the gate and say why.
    first = _check(c, pid, right)
    assert first["outcome"] == "skipped"
    assert "no classifier version is deployed" in first["reason"]
    deployed = c.post(f"{models}/{right}/deploy")
    assert deployed.status_code == 200, deployed.text
    assert deployed.json()["deployment"]["gate"]["outcome"] == "skipped"

    # The check compares without deploying: the worse version, on the 8 held-out (val) items.
    check = _check(c, pid, wrong)
    assert (check["outcome"], check["metric"], check["split"], check["held_out_items"]) == (
        "worse",
        "macro_f1",
        "val",
        8,
    )
    assert check["candidate"] < check["deployed"]
    assert [f["name"] for f in check["figures"]] == ["macro_f1", "accuracy"]
    assert check["deployed_model_version_id"] == right
    assert _deployed(c, pid) == [right]

    # Deploying it is refused, with both figures in the message and in the details.
    refused = c.post(f"{models}/{wrong}/deploy")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    message = error["message"]
    assert message.startswith(f"{check['reason']} — deploy with force: true")
    assert " scores macro-F1 " in message
    assert " on 8 val items; the deployed version " in message
    assert (error["detail"]["candidate"], error["detail"]["deployed"]) == (
        check["candidate"],
        check["deployed"],
    )
    assert error["detail"]["gate"]["outcome"] == "worse"
    assert _deployed(c, pid) == [right]
    assert not any(k.startswith("gate/") for k in c.get(f"{models}/{wrong}").json()["metrics"])

    # force: true deploys it anyway; the figures are in the response and on the version.
    forced = c.post(f"{models}/{wrong}/deploy", json={"force": True})
    assert forced.status_code == 200, forced.text
    gate = forced.json()["deployment"]["gate"]
    assert (gate["outcome"], gate["candidate"], gate["deployed"]) == (
        "forced",
        check["candidate"],
        check["deployed"],
    )
    assert _deployed(c, pid) == [wrong]
    metrics = c.get(f"{models}/{wrong}").json()["metrics"]
    assert metrics["gate/macro_f1"] == check["candidate"]
    assert metrics["gate/deployed/macro_f1"] == check["deployed"]
    assert metrics["gate/held_out_items"] == 8

    # The better version deploys over it (an empty body is the same as none).
    better = c.post(f"{models}/{right}/deploy", json={})
    assert better.status_code == 200, better.text
    assert better.json()["deployment"]["gate"]["outcome"] == "passed"
    assert better.json()["deployment"]["gate"]["candidate"] > better.json()["deployment"]["gate"]["deployed"]

    # Rolling back returns to the worse version at once: no gate.
    back = c.post(f"{models}/{right}/rollback")
    assert back.status_code == 200, back.text
    assert (back.json()["id"], back.json()["deployment"]["gate"]) == (wrong, None)
    assert _deployed(c, pid) == [wrong]


def test_embedding_versions_are_compared_with_the_active_space_even_a_pretrained_one(
    live_client: TestClient, run_jobs: Callable[[], int]
) -> None:
    c = live_client
    pid = labelled_project(c, "gate-embedding", per_class=8, val_per_class=3)
    models = f"/api/v1/projects/{pid}/models"
    # One held-out item per colour in split test: the gate scores test when it has items.
    colours = _items_by_label(c, pid)
    items = {
        i["id"]: i for i in c.get(f"/api/v1/projects/{pid}/items", params={"limit": 500}).json()["items"]
    }
    tested = [next(i for i in colours[colour] if items[i]["split"] == "val") for colour in ("red", "blue")]
    body = {"item_ids": tested, "split": "test"}
    assert c.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    v1 = _train(c, pid, run_jobs, "embedding")
    # Without an active space there is nothing to compare with (a default space, where projects
    # are given one, is removed first).
    for existing in c.get(f"/api/v1/projects/{pid}/spaces").json()["spaces"]:
        assert c.delete(f"/api/v1/projects/{pid}/spaces/{existing['id']}").status_code == 204

    skipped = _check(c, pid, v1)
    assert (skipped["outcome"], skipped["slot"]) == ("skipped", "embedding")
    assert "no active embedding space" in skipped["reason"]

    # A pretrained space, as the sample project has: no model version behind it.
    space = c.post(f"/api/v1/projects/{pid}/spaces", json={**MOBILENET, "name": "pretrained"})
    assert space.status_code == 201, space.text
    run_jobs()
    # A training item uploaded now has no vector in the space yet (its embedding job has not
    # run): the gate embeds it with the space's own extractor, so both sides rank the same items.
    upload = c.post(
        f"/api/v1/projects/{pid}/items", files=[("files", ("late.png", coloured_png("red", 99), "image/png"))]
    )
    late = upload.json()["items"][0]["id"]
    body = {"item_ids": [late], "add_labels": ["red"], "split": "train"}
    assert c.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200

    check = _check(c, pid, v1)
    assert check["outcome"] in ("passed", "worse")
    assert (check["outcome"] == "worse") == (check["candidate"] < check["deployed"])
    assert (check["metric"], check["split"], check["held_out_items"], check["gallery_items"]) == (
        "recall@1",
        "test",
        2,
        11,  # 5 train items per colour, and the late one
    )
    assert [f["name"] for f in check["figures"]] == ["recall@1", "map@r"]
    assert (check["deployed_space_id"], check["deployed_model_version_id"]) == (space.json()["id"], None)
    assert "'pretrained'" in check["compared_with"]

    deployed = c.post(f"{models}/{v1}/deploy", json={"force": True})
    assert deployed.status_code == 200, deployed.text
    gate = deployed.json()["deployment"]["gate"]
    assert gate["outcome"] == ("forced" if check["outcome"] == "worse" else "passed")
    assert (gate["candidate"], gate["deployed"]) == (check["candidate"], check["deployed"])
    assert c.get(f"{models}/{v1}").json()["metrics"]["gate/recall@1"] == check["candidate"]
    run_jobs()  # v1's space is built and becomes the active one

    # The next version is compared with v1's space, from its stored vectors.
    v2 = _train(c, pid, run_jobs, "embedding", epochs=1)
    second = _check(c, pid, v2)
    assert second["outcome"] in ("passed", "worse")
    assert (second["outcome"] == "worse") == (second["candidate"] < second["deployed"])
    assert second["deployed_model_version_id"] == v1
    assert second["held_out_items"] == 2
    response = c.post(f"{models}/{v2}/deploy")
    assert response.status_code == (409 if second["outcome"] == "worse" else 200), response.text


def _second_is_compared_with_the_first(
    c: TestClient, pid: int, first: int, second: int, metric: str, figures: list[str], items: int
) -> None:
    """Deploy `first` (nothing to compare: skipped), then check and deploy `second` against it:
    the refusal follows the figures."""
    models = f"/api/v1/projects/{pid}/models"
    deployed = c.post(f"{models}/{first}/deploy")
    assert deployed.status_code == 200, deployed.text
    assert deployed.json()["deployment"]["gate"]["outcome"] == "skipped"
    check = _check(c, pid, second)
    assert check["outcome"] in ("passed", "worse")
    assert (check["outcome"] == "worse") == (check["candidate"] < check["deployed"])
    assert (check["metric"], check["split"], check["held_out_items"]) == (metric, "val", items)
    assert [f["name"] for f in check["figures"]] == figures
    assert all(0.0 <= f[side] <= 1.0 for f in check["figures"] for side in ("candidate", "deployed"))
    assert check["deployed_model_version_id"] == first
    response = c.post(f"{models}/{second}/deploy")
    assert response.status_code == (409 if check["outcome"] == "worse" else 200), response.text
    assert _deployed(c, pid) == [first if check["outcome"] == "worse" else second]


def test_detectors_are_compared_by_map_at_iou_half(
    live_client: TestClient, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    c = live_client
    pid, _ = boxed_project(c, tmp_path / "scenes", "gate-detector")
    first, second = start_detector(c, pid), start_detector(c, pid, epochs=1)
    run_jobs()
    v1, v2 = (int(get_run(c, pid, run["id"])["model_version_id"]) for run in (first, second))
    _second_is_compared_with_the_first(c, pid, v1, v2, "map50", ["map50", "map"], 4)


def test_keyword_models_are_compared_by_f1_at_3(
    live_client: TestClient, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    c = live_client
    pid = keyword_project(c, "gate-keywords")
    import_words(c, pid, tmp_path)
    run_jobs()
    runs = [start_keywords(c, pid, epochs=4), start_keywords(c, pid, epochs=1)]
    run_jobs()
    v1, v2 = (int(get_run(c, pid, run)["model_version_id"]) for run in runs)
    _second_is_compared_with_the_first(c, pid, v1, v2, "f1@3", ["f1@3", "f1"], 14)
