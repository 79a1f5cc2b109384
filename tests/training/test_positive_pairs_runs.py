"""Positive pairs in training: the snapshot merges paired targets and gives paired, unlabelled
items a group; a triplet run can learn from pairs alone; other kinds ignore them."""

import itertools
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.training.dataset import resolve
from mireru.training.schemas import DatasetSelection
from tests.training.factories import coloured_png, get_run
from tests.training.test_triplet_kind import TRIPLET_PARAMS, tinted_png


def _upload(client: TestClient, pid: int, images: list[bytes]) -> list[int]:
    files = [("files", (f"i{i}.png", png, "image/png")) for i, png in enumerate(images)]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 201, response.text
    return [item["id"] for item in response.json()["items"]]


def _pair(client: TestClient, pid: int, *pairs: tuple[int, int]) -> None:
    body = {"pairs": [{"a": a, "b": b} for a, b in pairs]}
    assert client.post(f"/api/v1/projects/{pid}/positive-pairs", json=body).status_code == 200


def test_the_snapshot_joins_targets_through_pairs(client: TestClient, db: Session) -> None:
    pid = int(client.post("/api/v1/projects", json={"name": "pair-snapshot"}).json()["id"])
    ids = _upload(client, pid, [coloured_png("red", seed=i) for i in range(7)])
    annotations = [{"identity": "bob"}, {"identity": "bob"}, {"identity": "robert"}, {"labels": ["car"]}]
    for item_id, body in zip(ids, annotations, strict=False):
        assert client.put(f"/api/v1/projects/{pid}/items/{item_id}/annotations", json=body).status_code == 200
    # bob ~ robert (one person under two names); two unlabelled items paired with each other;
    # ids[6] has neither a target nor a pair.
    _pair(client, pid, (ids[0], ids[2]), (ids[4], ids[5]))
    selection = DatasetSelection(val_fraction=0)

    plain = resolve(db, pid, selection, "identity_or_label", seed=0)
    assert plain.classes == ["identity:bob", "identity:robert", "label:car"]

    grouped = resolve(db, pid, selection, "identity_or_label", seed=0, positive_pairs=True)
    groups = {item_id: grouped.classes[index] for item_id, _, index, _ in grouped.train}
    assert set(groups) == set(ids[:6])
    assert groups[ids[0]] == groups[ids[1]] == groups[ids[2]]
    assert groups[ids[0]].startswith("identity:bob")
    assert groups[ids[3]] == "label:car"
    assert groups[ids[4]] == groups[ids[5]] == f"pair-group:{ids[4]}"
    assert len(grouped.classes) == 3


def test_a_triplet_run_learns_from_pairs_alone(live: TestClient, run_jobs: Callable[[], int]) -> None:
    c = live
    pid = int(c.post("/api/v1/projects", json={"name": "pairs-only"}).json()["id"])
    # Nobody labelled anything: each tint's images are chained by pairs, so each tint is one group.
    per_tint = 12
    for n, tint in enumerate(("reddish", "bluish")):
        ids = _upload(c, pid, [tinted_png(tint, 2 * i + n) for i in range(per_tint)])
        _pair(c, pid, *itertools.pairwise(ids))
    plain = {"kind": "triplet", "params": {**TRIPLET_PARAMS, "epochs": 1, "use_positive_pairs": False}}
    refused = c.post(f"/api/v1/projects/{pid}/training-runs", json=plain)
    assert refused.status_code == 422
    assert "no items with a identity_or_label" in refused.json()["error"]["message"]

    body = {"kind": "triplet", "params": {**TRIPLET_PARAMS, "epochs": 2}}
    response = c.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert response.status_code == 201, response.text
    run_jobs()
    done = get_run(c, pid, response.json()["id"])
    assert done["status"] == "succeeded", done.get("error")
    summary = done["dataset_summary"]
    assert summary["train_items"] + summary["val_items"] == 2 * per_tint
    assert summary["classes"] == 2
    assert any(p["name"] == "mining/triplets" and p["value"] > 0 for p in done["metric_points"])
