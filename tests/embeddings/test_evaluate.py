"""POST /projects/{id}/spaces/{id}/evaluate: retrieval metrics of a space's stored vectors over
the items of some splits, worked out by hand, written onto the model version the space came from;
and the 4xx answers for spaces and selections it cannot score."""

import json
import math
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mireru.cli import app
from mireru.embeddings import repository
from mireru.embeddings.repository import SpaceShape
from mireru.models import EmbeddingSpace, ModelVersion
from tests.embeddings.helpers import annotate, make_project, upload
from tests.fixtures.images import image_bytes


def _unit(degrees: float) -> list[float]:
    rad = math.radians(degrees)
    return [math.cos(rad), math.sin(rad)]


# (angle of the item's vector, annotations). In split val, with target identity_or_label:
# label A at 0, 10, 40 degrees; identity x (its label B is ignored) at 20 and 100 degrees.
ITEMS: list[tuple[float, dict[str, Any]]] = [
    (0, {"labels": ["A"], "split": "val"}),
    (10, {"labels": ["A"], "split": "val"}),
    (40, {"labels": ["A"], "split": "val"}),
    (20, {"labels": ["B"], "identity": "x", "split": "val"}),
    (100, {"labels": ["B"], "identity": "x", "split": "val"}),
    (5, {"labels": ["A", "B"], "split": "val"}),  # two labels: ambiguous, left out
    (12, {"split": "val"}),  # no target: left out
    (2, {"labels": ["A"], "split": "train"}),  # another split
    (3, {"labels": ["A"], "split": "test"}),
]


def _setup(
    client: TestClient, db: Session, status: str = "ready", backbone: str = "model_version"
) -> dict[str, int]:
    pid = make_project(client, "evaluate")
    files = [(f"i{i}.png", image_bytes(16, 16, seed=300 + i)) for i in range(len(ITEMS))]
    items = upload(client, pid, files)
    ids = [int(item["id"]) for item in items]
    for item_id, (_, annotations) in zip(ids, ITEMS, strict=True):
        annotate(client, pid, item_id, **annotations)
    version = ModelVersion(
        project_id=pid,
        version=1,
        run_id=None,
        kind="triplet",
        produces="embedding",
        base_model="tiny-cnn",
        config={},
        metrics={"val/recall@1": 0.9},
        file_sha256="0" * 64,
        size_bytes=1,
    )
    db.add(version)
    db.flush()
    space = EmbeddingSpace(
        project_id=pid,
        name="hand-made",
        backbone=backbone,
        model=str(version.id) if backbone == "model_version" else "mobilenet_v2",
        pretrained=None,
        image_size=None,
        dimension=2,
        metric="cosine",
        storage="vector",
        index_kind="exact",
        index_params={},
        index_version=0,
        status=status,
        is_active=False,
        activate_when_ready=False,
    )
    db.add(space)
    db.flush()
    vectors = np.array([_unit(angle) for angle, _ in ITEMS], dtype=np.float32)
    repository.write_vectors(db, SpaceShape.of(space), ids, vectors)
    return {"project": pid, "space": space.id, "version": version.id}


def _evaluate(client: TestClient, ids: dict[str, int], body: dict[str, Any] | None = None) -> Any:
    url = f"/api/v1/projects/{ids['project']}/spaces/{ids['space']}/evaluate"
    return client.post(url, json=body) if body is not None else client.post(url)


def test_evaluate_scores_the_split_by_hand_and_writes_the_model_version(
    client: TestClient, db: Session
) -> None:
    ids = _setup(client, db)
    response = _evaluate(client, ids, {"splits": ["val"], "ks": [1, 2]})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["items"], result["queries"], result["unanswerable"]) == (5, 5, 0)
    m = result["metrics"]
    # Each of the five queries ranks the four others (see tests/ml/eval/test_retrieval.py):
    # nearest relevant for 0 and 10 degrees; at rank 2 for 40 and 100 degrees; 20's only match last.
    assert m["eval/recall@1"] == 0.4
    assert m["eval/recall@2"] == 0.8
    assert m["eval/map@r"] == (0.5 + 0.5 + 0.25 + 0 + 0) / 5
    assert m["eval/precision@1"] == 0.4
    by_class = {c["name"]: c for c in result["per_class"]}
    assert set(by_class) == {"label:A", "identity:x"}
    assert by_class["label:A"]["queries"] == 3
    assert by_class["label:A"]["recall"]["1"] == 2 / 3
    assert by_class["identity:x"]["recall"]["1"] == 0.0
    assert result["model_version_id"] == ids["version"]
    assert result["written_to_model_version"] is True

    version = client.get(f"/api/v1/projects/{ids['project']}/models/{ids['version']}").json()
    assert version["metrics"]["eval/recall@1"] == 0.4
    assert version["metrics"]["val/recall@1"] == 0.9  # the training metrics are kept


def test_defaults_take_val_and_test_and_a_space_without_version_writes_nothing(
    client: TestClient, db: Session
) -> None:
    ids = _setup(client, db, backbone="torchvision")
    result = _evaluate(client, ids).json()
    assert result["splits"] == ["val", "test"]
    assert result["target"] == "identity_or_label"
    assert result["items"] == 6  # the five val items and the test one
    assert set(result["metrics"]) == {
        "eval/recall@1",
        "eval/recall@5",
        "eval/recall@10",
        "eval/precision@1",
        "eval/precision@5",
        "eval/precision@10",
        "eval/map@r",
    }
    assert result["model_version_id"] is None
    assert result["written_to_model_version"] is False

    labels = _evaluate(client, ids, {"splits": ["val", "train", "test"], "target": "label"}).json()
    # By label, identity x's items are label B; the two-label item is still ambiguous.
    assert labels["items"] == 7
    assert {c["name"] for c in labels["per_class"]} == {"label:A", "label:B"}


def test_what_cannot_be_evaluated_is_a_4xx_naming_the_problem(client: TestClient, db: Session) -> None:
    ids = _setup(client, db)
    few = _evaluate(client, ids, {"splits": ["test"]})
    assert few.status_code == 422
    assert "needs at least 2" in few.json()["error"]["message"]
    assert _evaluate(client, ids, {"ks": [0]}).status_code == 422
    assert _evaluate(client, ids, {"splits": ["holdout"]}).status_code == 422
    assert _evaluate(client, ids, {"colour": "red"}).status_code == 422
    missing = client.post(f"/api/v1/projects/{ids['project']}/spaces/999999/evaluate")
    assert missing.status_code == 404

    building = _setup(client, db, status="embedding")
    busy = _evaluate(client, building)
    assert busy.status_code == 409
    assert "once it is ready" in busy.json()["error"]["message"]


def test_the_cli_prints_a_table_or_json_and_writes_the_version(
    live_client: TestClient, engine: Engine
) -> None:
    # The CLI runs its own transaction: everything it reads must be committed.
    with Session(engine) as session:
        ids = _setup(live_client, session)
        session.commit()
    args = [
        "eval",
        "retrieval",
        "--project",
        str(ids["project"]),
        "--space",
        str(ids["space"]),
        "--split",
        "val",
    ]
    table = CliRunner().invoke(app, [*args, "--ks", "1,2"])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].startswith(f"retrieval on space {ids['space']} (splits val")
    assert lines[1].split() == [
        "class",
        "queries",
        "recall@1",
        "recall@2",
        "precision@1",
        "precision@2",
        "map@r",
    ]
    assert lines[3].split()[:3] == ["(all)", "5", "0.400"]
    assert any(line.startswith("identity:x") for line in lines)
    assert f"written to model version id {ids['version']}" in table.stdout

    as_json = CliRunner().invoke(app, [*args, "--json", "--no-write", "--target", "label"])
    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.stdout)
    assert body["target"] == "label"
    assert body["written_to_model_version"] is False
    missing = CliRunner().invoke(
        app, ["eval", "retrieval", "--project", str(ids["project"]), "--space", "999999"]
    )
    assert missing.exit_code != 0
