"""Model kinds and their parameter schemas; what a start request is checked for."""

import subprocess
import sys

from fastapi.testclient import TestClient

from mireru.kinds import get_kind
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
    assert props["base_model"]["default"] == "torchvision:mobilenet_v2@IMAGENET1K_V1"
    assert props["backbone_lr_scale"]["default"] == 0.1
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
        {
            "kind": "embedding",
            "params": TINY_PARAMS,
            # Without val items, a share of the 4 training items is held out for validation.
            "dataset": {"filters": {"split": "train"}, "val_fraction": 0.5},
        }
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


BACKBONE_KINDS = ("classifier", "embedding", "keywords", "triplet")


def test_backbone_kinds_start_from_pretrained_mobilenet_v2_by_default(client: TestClient) -> None:
    kinds = {k["kind"]: k for k in client.get("/api/v1/training/kinds").json()}
    for name in BACKBONE_KINDS:
        props = kinds[name]["params_schema"]["properties"]
        assert props["base_model"]["default"] == "torchvision:mobilenet_v2@IMAGENET1K_V1", name
        assert props["backbone_lr_scale"]["default"] == 0.1, name
        assert "tests" in props["base_model"]["description"], name  # tiny-cnn: for tests
    detector = kinds["detector"]["params_schema"]["properties"]
    # The detector whose backbone is MobileNetV2, its ImageNet weights found offline by "auto".
    assert (detector["model"]["default"], detector["pretrained_backbone"]["default"]) == (
        "fasterrcnn_mobilenet_v2_fpn",
        "auto",
    )


def test_kinds_list_fast_and_accurate_presets_that_their_schemas_accept(client: TestClient) -> None:
    for listed in client.get("/api/v1/training/kinds").json():
        presets = {p["name"]: p for p in listed["presets"]}
        assert set(presets) == {"fast", "accurate"}, listed["kind"]
        spec = get_kind(listed["kind"])
        defaults = spec.validate({})
        for preset in presets.values():
            assert preset["description"]
            assert preset["params"]
            checked = spec.validate(preset["params"])
            assert checked != defaults
        fast, accurate = (spec.validate(presets[n]["params"]) for n in ("fast", "accurate"))
        assert fast.image_size < defaults.image_size < accurate.image_size, listed["kind"]
        assert fast.epochs < defaults.epochs < accurate.epochs, listed["kind"]
        assert listed["min_val_items"] >= 1


def test_a_run_takes_its_presets_params_under_its_own(client: TestClient) -> None:
    pid = labelled_project(client, "train-presets", per_class=3, val_per_class=1)
    url = f"/api/v1/projects/{pid}/training-runs"
    own = {k: v for k, v in TINY_PARAMS.items() if k != "image_size"}
    fast = client.post(url, json={"kind": "embedding", "preset": "fast", "params": own})
    assert fast.status_code == 201, fast.text
    params = fast.json()["params"]
    assert params["image_size"] == 128  # from the preset
    assert (params["epochs"], params["base_model"]) == (2, "tiny-cnn")  # the request's own win
    logs = client.get(f"{url}/{fast.json()['id']}/logs").json()["lines"]
    assert "with the fast preset" in logs[0]["message"]

    accurate = client.post(url, json={"kind": "embedding", "preset": "accurate", "params": TINY_PARAMS})
    assert accurate.status_code == 201, accurate.text
    params = accurate.json()["params"]
    assert (params["image_size"], params["epochs"]) == (32, 2)
    assert (params["early_stopping_patience"], params["warmup_epochs"]) == (4, 1)

    unknown = client.post(url, json={"kind": "embedding", "preset": "turbo", "params": TINY_PARAMS})
    assert unknown.status_code == 422
    error = unknown.json()["error"]
    assert "unknown preset 'turbo' for the embedding kind; known presets: fast, accurate" in error["message"]
    assert error["detail"]["field"] == "preset"
