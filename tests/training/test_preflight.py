"""Pre-flight checks: a selection that cannot train a kind is refused with a 422 whose detail
holds the counts and the problems (each naming what to add), and the preflight route gives the
same counts without starting anything."""

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.training.dataset import resolve
from mireru.training.schemas import DatasetSelection
from tests.training.factories import TINY_PARAMS, coloured_png, labelled_project
from tests.training.test_detector_kind import TINY_DETECTOR
from tests.training.test_keyword_estimation_kind import PARAMS as KEYWORD_PARAMS
from tests.training.test_triplet_kind import TRIPLET_PARAMS
from tests.words.factories import ready_word_model

CLASSIFIER = {k: v for k, v in TINY_PARAMS.items() if k not in ("embedding_dim", "temperature")}


def _refused(client: TestClient, pid: int, body: dict[str, Any]) -> dict[str, Any]:
    """The 422 of starting the run, checked against the preflight route's answer to the same body."""
    response = client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "invalid_input"
    check = client.post(f"/api/v1/projects/{pid}/training-runs/preflight", json=body)
    assert check.status_code == 200, check.text
    assert check.json()["ok"] is False
    assert check.json()["counts"] == error["detail"]["counts"]
    assert check.json()["problems"] == error["detail"]["problems"]
    assert client.get(f"/api/v1/projects/{pid}/training-runs").json()["total"] == 0
    return error


def _codes(error: dict[str, Any]) -> list[str]:
    return [p["code"] for p in error["detail"]["problems"]]


def _upload(client: TestClient, pid: int, images: list[bytes]) -> list[int]:
    files = [("files", (f"i{i}.png", png, "image/png")) for i, png in enumerate(images)]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 201, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_detector_without_boxed_items_is_refused_with_counts(client: TestClient) -> None:
    pid = labelled_project(client, "pre-detector", per_class=3, val_per_class=1)
    error = _refused(client, pid, {"kind": "detector", "params": TINY_DETECTOR})
    assert _codes(error) == ["no_items"]
    assert "no items with a box" in error["message"]
    assert "draw boxes on some items" in error["message"]
    assert error["detail"]["field"] == "dataset"
    counts = error["detail"]["counts"]
    assert (counts["selected_items"], counts["items"], counts["boxes"]) == (6, 0, 0)


def test_classifier_and_embedding_need_two_classes(client: TestClient) -> None:
    pid = labelled_project(client, "pre-classes", per_class=3, val_per_class=1)
    only_red = {"filters": {"label": "red"}}
    for kind, params in (("classifier", CLASSIFIER), ("embedding", TINY_PARAMS)):
        error = _refused(client, pid, {"kind": kind, "params": params, "dataset": only_red})
        assert _codes(error) == ["too_few_classes"], kind
        assert "at least 2 different labels" in error["message"]
        counts = error["detail"]["counts"]
        assert (counts["items"], counts["classes"], counts["min_classes"]) == (3, 1, 2)


def test_a_triplet_run_needs_identities_labels_or_pairs(client: TestClient) -> None:
    pid = int(client.post("/api/v1/projects", json={"name": "pre-triplet"}).json()["id"])
    ids = _upload(client, pid, [coloured_png("red", seed=i) for i in range(5)])
    error = _refused(client, pid, {"kind": "triplet", "params": TRIPLET_PARAMS})
    assert _codes(error) == ["no_items"]
    assert "give some items an identity or a label, or join items by positive pairs" in error["message"]
    counts = error["detail"]["counts"]
    assert (counts["selected_items"], counts["labelled_items"], counts["identities"], counts["pairs"]) == (
        5,
        0,
        0,
        0,
    )

    # Pairs alone give the items groups: one chain is one group, still too few.
    body = {"pairs": [{"a": a, "b": b} for a, b in itertools.pairwise(ids)]}
    assert client.post(f"/api/v1/projects/{pid}/positive-pairs", json=body).status_code == 200
    error = _refused(client, pid, {"kind": "triplet", "params": TRIPLET_PARAMS})
    assert _codes(error) == ["too_few_classes"]
    counts = error["detail"]["counts"]
    assert (counts["items"], counts["classes"], counts["pairs"]) == (5, 1, 4)


def test_keywords_need_keywords_and_an_active_word_model(client: TestClient, db: Session) -> None:
    pid = labelled_project(client, "pre-keywords", per_class=3, val_per_class=1)
    error = _refused(client, pid, {"kind": "keywords", "params": KEYWORD_PARAMS})
    assert _codes(error) == ["no_items", "no_word_model"]
    assert "add keywords to some items" in error["message"]
    assert "no active word model" in error["message"]
    assert error["detail"]["problems"][1]["field"] is None

    items = client.get(f"/api/v1/projects/{pid}/items").json()["items"]
    for item, keyword in zip(items, itertools.cycle(["rust", "paint"]), strict=False):
        body = {"item_ids": [item["id"]], "add_keywords": [keyword]}
        assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    ready_word_model(db, pid, {"colour": [1.0, 0.0], "shape": [0.0, 1.0]})
    error = _refused(client, pid, {"kind": "keywords", "params": KEYWORD_PARAMS})
    assert _codes(error) == ["no_word_vectors"]
    assert "none of the selection's 2 keywords (paint, rust)" in error["message"]
    assert error["detail"]["counts"]["keywords_with_vectors"] == 0


def test_a_selection_needs_training_and_validation_items(client: TestClient) -> None:
    pid = labelled_project(client, "pre-splits", per_class=3, val_per_class=1)
    no_val = {"val_splits": ["test"], "val_fraction": 0}
    error = _refused(client, pid, {"kind": "embedding", "params": TINY_PARAMS, "dataset": no_val})
    assert _codes(error) == ["too_few_val_items"]
    counts = error["detail"]["counts"]
    # The items in split val are in neither list of splits, so not selected.
    assert (counts["train_items"], counts["val_items"], counts["min_val_items"]) == (4, 0, 1)

    only_val = {"filters": {"split": "val"}}
    error = _refused(client, pid, {"kind": "embedding", "params": TINY_PARAMS, "dataset": only_val})
    assert _codes(error) == ["no_train_items"]
    assert (error["detail"]["counts"]["train_items"], error["detail"]["counts"]["val_items"]) == (0, 2)


def test_the_preflight_route_counts_what_the_snapshot_will_hold(client: TestClient, db: Session) -> None:
    pid = labelled_project(client, "pre-counts", per_class=12, val_per_class=4)
    url = f"/api/v1/projects/{pid}/training-runs/preflight"
    check = client.post(url, json={"kind": "embedding", "params": TINY_PARAMS})
    assert check.status_code == 200, check.text
    assert check.json() == {
        "ok": True,
        "kind": "embedding",
        "counts": {
            "selected_items": 24,
            "items": 24,
            "train_items": 16,
            "val_items": 8,
            "classes": 2,
            "skipped_multi_label": 0,
            "min_classes": 2,
            "min_val_items": 1,
            # Counts of other kinds' targets.
            "boxes": None,
            "labelled_items": None,
            "identities": None,
            "pairs": None,
            "keywords_with_vectors": None,
        },
        "problems": [],
    }
    assert client.get(f"/api/v1/projects/{pid}/training-runs").json()["total"] == 0

    # An item with two labels is left out, pairs regroup, and with no val split a share is held
    # out: the same numbers as the snapshot a run takes.
    items = client.get(f"/api/v1/projects/{pid}/items", params={"limit": 100}).json()["items"]
    ids = [item["id"] for item in items]
    body = {"item_ids": ids[:1], "add_labels": ["blue", "red"]}
    assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    extra = _upload(client, pid, [coloured_png("red", seed=99), coloured_png("red", seed=98)])
    pairs = {"pairs": [{"a": extra[0], "b": ids[1]}, {"a": extra[1], "b": ids[2]}]}
    assert client.post(f"/api/v1/projects/{pid}/positive-pairs", json=pairs).status_code == 200
    dataset = {"train_splits": ["train", "val", "none"], "val_splits": ["test"], "val_fraction": 0.25}
    for kind, params, with_pairs in (("embedding", TINY_PARAMS, False), ("triplet", TRIPLET_PARAMS, True)):
        check = client.post(url, json={"kind": kind, "params": {**params, "seed": 3}, "dataset": dataset})
        assert check.status_code == 200, check.text
        counts = check.json()["counts"]
        selection = DatasetSelection.model_validate(dataset)
        target = "label" if kind == "embedding" else "identity_or_label"
        snapshot = resolve(db, pid, selection, target, seed=3, positive_pairs=with_pairs)
        expected = (len(snapshot.train), len(snapshot.val), len(snapshot.classes), snapshot.skipped_multi)
        assert (
            counts["train_items"],
            counts["val_items"],
            counts["classes"],
            counts["skipped_multi_label"],
        ) == (expected), kind
        assert counts["selected_items"] == 26
        assert counts["items"] == (25 if with_pairs else 23)
        assert counts.get("pairs") == (2 if with_pairs else None)


def test_the_preflight_route_checks_its_body_like_a_run(client: TestClient) -> None:
    pid = labelled_project(client, "pre-body", per_class=3, val_per_class=1)
    url = f"/api/v1/projects/{pid}/training-runs/preflight"
    bad = client.post(url, json={"kind": "embedding", "params": {"epochs": 0}})
    assert bad.status_code == 422
    assert "params.epochs" in {".".join(f["loc"]) for f in bad.json()["error"]["detail"]["fields"]}
    assert client.post(url, json={"kind": "embedding", "preset": "slow"}).status_code == 422
    assert (
        client.post(
            f"/api/v1/projects/{pid + 1000}/training-runs/preflight", json={"kind": "embedding"}
        ).status_code
        == 404
    )


def test_a_measurement_key_no_item_has_is_a_preflight_problem(client: TestClient) -> None:
    pid = labelled_project(
        client, "pre-readings", per_class=3, val_per_class=1, readings=lambda c, i: {"pressure_hpa": 1.0 * i}
    )
    body = {"kind": "classifier", "params": {**CLASSIFIER, "measurement_keys": ["torque_nm"]}}
    error = _refused(client, pid, body)
    assert _codes(error) == ["missing_measurement_keys"]
    assert error["detail"]["field"] == "params.measurement_keys"
