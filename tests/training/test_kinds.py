"""Model kinds and their parameter schemas; what a start request is checked for."""

import subprocess
import sys

from fastapi.testclient import TestClient

from tests.training.factories import TINY_PARAMS, labelled_project


def test_kinds_list_the_embedding_kind_with_a_schema_and_defaults(client: TestClient) -> None:
    kinds = client.get("/api/v1/training/kinds").json()
    embedding = next(k for k in kinds if k["kind"] == "embedding")
    assert embedding["title"]
    assert embedding["produces"] == "embedding"
    props = embedding["params_schema"]["properties"]
    for common in ("epochs", "batch_size", "image_size", "lr", "device"):
        assert "default" in props[common], common
    assert props["device"]["default"] == "auto"
    assert props["base_model"]["default"] == "tiny-cnn"
    assert props["epochs"]["minimum"] == 1


def test_start_checks_kind_params_and_dataset(client: TestClient) -> None:
    pid = labelled_project(client, "train-checks", per_class=3, val_per_class=1)
    url = f"/api/v1/projects/{pid}/training-runs"

    def post(body: dict[str, object]) -> tuple[int, dict[str, object]]:
        response = client.post(url, json=body)
        return response.status_code, response.json()

    status, body = post({"kind": "nope", "params": {}})
    assert status == 422
    message = str(body["error"]["message"])  # type: ignore[index]
    assert "known kinds: classifier, detector, embedding, keywords, triplet" in message

    status, body = post({"kind": "embedding", "params": {"epochs": 0, "lr": -1, "colour": "red"}})
    assert status == 422
    fields = {".".join(f["loc"]) for f in body["error"]["detail"]["fields"]}  # type: ignore[index]
    assert {"params.epochs", "params.lr", "params.colour"} <= fields

    status, body = post({"kind": "embedding", "params": {"base_model": "resnet"}})
    assert status == 422

    status, body = post({"kind": "embedding", "params": {"device": "gpu0"}})
    assert status == 422

    status, body = post(
        {"kind": "embedding", "params": TINY_PARAMS, "dataset": {"filters": {"label": "red"}}}
    )
    assert status == 422
    assert "at least 2 different labels" in body["error"]["message"]  # type: ignore[index]

    status, body = post({"kind": "embedding", "dataset": {"filters": {"keyword": "never-used"}}})
    assert status == 422
    assert "no items" in body["error"]["message"]  # type: ignore[index]

    status, body = post(
        {"kind": "embedding", "dataset": {"train_splits": ["train"], "val_splits": ["train"]}}
    )
    assert status == 422

    status, body = post(
        {"kind": "embedding", "params": TINY_PARAMS, "dataset": {"filters": {"split": "train"}}}
    )
    assert status == 201
    assert body["status"] == "queued"
    assert body["dataset"]["filters"]["split"] == "train"
    assert body["job_id"]

    assert (
        client.post(f"/api/v1/projects/{pid + 1000}/training-runs", json={"kind": "embedding"}).status_code
        == 404
    )
    assert client.get(f"{url}/999999").status_code == 404


def test_the_api_does_not_import_torch_to_list_kinds_or_start_runs() -> None:
    code = (
        "import sys\n"
        "from mireru.main import create_app\n"
        "from mireru.training import service\n"
        "from mireru.kinds import get_kind\n"
        "create_app().openapi()\n"
        "service.list_kinds()\n"
        "get_kind('embedding').validate({'epochs': 2})\n"
        "import mireru.training.endpoints, mireru.registry.endpoints, mireru.registry.service\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
