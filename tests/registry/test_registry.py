"""The model registry: list, compare, download, delete; deploy and roll back switch what
prediction and search use."""

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru import kinds
from mireru.config import Settings
from mireru.kinds.embedding import SPEC as EMBEDDING
from mireru.models import ModelVersion, Project
from mireru.registry import reembed
from mireru.registry import service as registry
from mireru.storage import BlobStore


def _project(client: TestClient, name: str) -> int:
    return int(client.post("/api/v1/projects", json={"name": name}).json()["id"])


def _version(
    db: Session, settings: Settings, pid: int, number: int, kind: str = "embedding", **metrics: float
) -> ModelVersion:
    digest, _ = BlobStore(settings.blob_dir).put(f"model {pid} {kind} {number}".encode())
    version = ModelVersion(
        project_id=pid,
        version=number,
        run_id=None,
        kind=kind,
        produces="embedding" if kind == "embedding" else "prediction",
        base_model="tiny-cnn",
        config={"params": {"epochs": number}},
        metrics=metrics,
        file_sha256=digest,
        size_bytes=20,
    )
    db.add(version)
    db.flush()
    return version


@pytest.fixture
def with_classifier_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in prediction kind until the real classifier module lands."""
    classifier = dataclasses.replace(EMBEDDING, kind="classifier", title="Classifier", produces="prediction")
    monkeypatch.setattr(kinds, "_registry", lambda: {"classifier": classifier, "embedding": EMBEDDING})


def test_list_get_compare_download_and_delete(client: TestClient, db: Session, settings: Settings) -> None:
    pid = _project(client, "registry-basics")
    v1 = _version(db, settings, pid, 1, **{"val/recall@1": 0.5, "val/loss": 0.9})
    v2 = _version(db, settings, pid, 2, **{"val/recall@1": 0.8, "val/loss": 1.2, "train/epoch_loss": 0.3})
    base = f"/api/v1/projects/{pid}/models"

    listed = client.get(base).json()
    assert listed["total"] == 2
    assert [m["version"] for m in listed["models"]] == [2, 1]
    first = listed["models"][1]
    assert (first["id"], first["kind"], first["run_id"], first["deployed"]) == (
        v1.id,
        "embedding",
        None,
        False,
    )
    assert first["metrics"] == {"val/recall@1": 0.5, "val/loss": 0.9}
    assert client.get(f"{base}/{v2.id}").json()["config"] == {"params": {"epochs": 2}}

    table = client.get(f"{base}/compare", params={"ids": [v1.id, v2.id]}).json()
    assert [m["id"] for m in table["models"]] == [v1.id, v2.id]
    rows = {row["name"]: row for row in table["metrics"]}
    assert rows["val/recall@1"]["values"] == {str(v1.id): 0.5, str(v2.id): 0.8}
    assert (rows["val/recall@1"]["best_model_id"], rows["val/recall@1"]["higher_is_better"]) == (v2.id, True)
    assert (rows["val/loss"]["best_model_id"], rows["val/loss"]["higher_is_better"]) == (v1.id, False)
    assert rows["train/epoch_loss"]["values"][str(v1.id)] is None
    assert client.get(f"{base}/compare", params={"ids": [v1.id, 999999]}).status_code == 404
    assert client.get(f"{base}/compare").status_code == 422

    download = client.get(f"{base}/{v1.id}/download")
    assert download.status_code == 200
    assert download.content == f"model {pid} embedding 1".encode()
    assert "registry-basics-embedding-v1.pt" in download.headers["content-disposition"]

    blob = BlobStore(settings.blob_dir).path(v1.file_sha256)
    assert client.delete(f"{base}/{v1.id}").status_code == 204
    assert client.get(f"{base}/{v1.id}").status_code == 404
    assert client.get(base).json()["total"] == 1
    assert not blob.exists()


def test_deploying_prediction_versions_switches_what_prediction_uses_and_rollback_walks_back(
    client: TestClient, db: Session, settings: Settings, with_classifier_kind: None
) -> None:
    pid = _project(client, "registry-predict")
    c1, c2, c3 = (_version(db, settings, pid, n, kind="classifier", accuracy=0.5 + n / 10) for n in (1, 2, 3))
    base = f"/api/v1/projects/{pid}/models"

    def deployed() -> int | None:
        version = registry.deployed_version(db, pid, "classifier")
        return None if version is None else version.id

    assert deployed() is None
    body = client.post(f"{base}/{c1.id}/deploy").json()
    assert body["deployed"] is True
    assert body["deployment"]["status"] == "live"
    assert body["deployment"]["slot"] == "classifier"
    assert deployed() == c1.id
    assert body["deployment"]["gate"]["outcome"] == "skipped"
    assert "no classifier version is deployed yet" in body["deployment"]["gate"]["reason"]
    assert client.post(f"{base}/{c1.id}/deploy").json()["deployment"]["id"] == body["deployment"]["id"]
    check = client.get(f"{base}/{c1.id}/deploy-check").json()
    assert (check["outcome"], check["slot"]) == ("skipped", "classifier")
    assert "already the deployed classifier version" in check["reason"]
    # The project has no items, so none held out: the gate is skipped, and says why.
    gate = client.post(f"{base}/{c2.id}/deploy", json={"force": False}).json()["deployment"]["gate"]
    assert (gate["outcome"], gate["figures"]) == ("skipped", [])
    assert "no held-out items (split test or val)" in gate["reason"]
    assert not any(k.startswith("gate/") for k in client.get(f"{base}/{c2.id}").json()["metrics"])
    client.post(f"{base}/{c3.id}/deploy")
    assert deployed() == c3.id
    assert [m["id"] for m in client.get(base).json()["models"] if m["deployed"]] == [c3.id]

    assert client.post(f"{base}/{c2.id}/rollback").status_code == 409  # c2 is not the deployed one
    rolled = client.post(f"{base}/{c3.id}/rollback").json()
    assert (rolled["id"], rolled["deployed"], rolled["deployment"]["rollback_of"] is not None) == (
        c2.id,
        True,
        True,
    )
    assert deployed() == c2.id
    assert client.post(f"{base}/{c2.id}/rollback").json()["id"] == c1.id
    assert deployed() == c1.id
    response = client.post(f"{base}/{c1.id}/rollback")
    assert response.status_code == 409
    assert "no earlier classifier deployment" in response.json()["error"]["message"]

    assert client.delete(f"{base}/{c1.id}").status_code == 409  # deployed
    assert client.delete(f"{base}/{c3.id}").status_code == 204  # history may go


def test_deploying_an_embedding_version_needs_the_retrieval_engine(
    client: TestClient, db: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _project(client, "registry-no-engine")
    version = _version(db, settings, pid, 1)
    monkeypatch.setattr(reembed, "retrieval_engine_available", lambda: False)
    response = client.post(f"/api/v1/projects/{pid}/models/{version.id}/deploy")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "re-embedding needs the retrieval engine"
    assert client.get(f"/api/v1/projects/{pid}/models/{version.id}").json()["deployed"] is False


def test_deploy_and_rollback_of_embedding_versions_re_embed_and_switch_search(
    client: TestClient, db: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _project(client, "registry-search")
    e1, e2 = _version(db, settings, pid, 1), _version(db, settings, pid, 2)
    calls: list[int] = []

    def fake_reembedding(
        session: Session, dispatcher: Any, project: Project, model_version: ModelVersion
    ) -> str:
        assert project.id == pid
        calls.append(model_version.id)
        return f"embed-job-{model_version.version}"

    monkeypatch.setattr(reembed, "start_reembedding", fake_reembedding)
    base = f"/api/v1/projects/{pid}/models"
    first = client.post(f"{base}/{e1.id}/deploy").json()
    assert first["deployment"]["status"] == "reembedding"
    assert first["deployment"]["reembed_job_id"] == "embed-job-1"
    assert first["deployment"]["slot"] == "embedding"
    registry.mark_embedding_live(db, pid, e1.id)
    assert client.get(f"{base}/{e1.id}").json()["deployment"]["status"] == "live"

    client.post(f"{base}/{e2.id}/deploy")
    current = registry.deployed_version(db, pid, "embedding")
    assert current is not None
    assert current.id == e2.id
    back = client.post(f"{base}/{e2.id}/rollback").json()
    assert (back["id"], back["deployment"]["reembed_job_id"]) == (e1.id, "embed-job-1")
    assert calls == [e1.id, e2.id, e1.id]
    current = registry.deployed_version(db, pid, "embedding")
    assert current is not None
    assert current.id == e1.id
