"""Embedding spaces: create (checked now, embedded by a real worker), list, index per space."""

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import Engine, text

from tests.embeddings.helpers import (
    create_space,
    job,
    make_project,
    run_until_idle,
    space,
    spaces,
    upload,
    vector_indexes,
)
from tests.ml.models import photo_bytes


def test_space_embeds_every_item_then_builds_its_index(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], engine: Engine
) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(6)])
    created = create_space(live_client, pid, index={"kind": "hnsw", "m": 8, "ef_construction": 32})
    assert created["status"] == "queued"
    assert created["job_id"]
    assert created["activation_pending"]  # the project's first space becomes active when built
    run_until_idle(run_jobs)

    listed = spaces(live_client, pid)
    [built] = listed["spaces"]
    assert listed["active_space_id"] == built["id"] == created["id"]
    assert built["status"] == "ready", built
    assert built["dimension"] == 1280
    assert built["item_count"] == 6
    assert built["active"]
    assert not built["activation_pending"]
    assert built["index"] == {"kind": "hnsw", "m": 8, "ef_construction": 32, "ef_search": 64}

    finished = job(live_client, created["job_id"])
    assert finished["status"] == "succeeded"
    assert finished["result"]["embedded"] == 6
    assert finished["progress"]["done"] == finished["progress"]["total"] == 6
    assert "rate_per_s" in finished["progress"]
    assert "eta_s" in finished["progress"]

    [(_name, definition)] = vector_indexes(engine, built["id"]).items()
    assert "USING hnsw" in definition
    assert "(vector)::vector(1280)" in definition
    assert f"WHERE (space_id = {built['id']})" in definition
    assert "m='8'" in definition
    assert "ef_construction='32'" in definition


def test_ivfflat_exact_and_halfvec_spaces(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], engine: Engine
) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(4)])
    ivf = create_space(live_client, pid, index={"kind": "ivfflat"})
    exact = create_space(live_client, pid, index={"kind": "exact"}, activate=False)
    half = create_space(live_client, pid, storage="halfvec", metric="l2", activate=False)
    run_until_idle(run_jobs)

    assert space(live_client, pid, ivf["id"])["index"] == {"kind": "ivfflat", "lists": 1, "probes": 1}
    assert "USING ivfflat" in next(iter(vector_indexes(engine, ivf["id"]).values()))
    assert space(live_client, pid, exact["id"])["status"] == "ready"
    assert vector_indexes(engine, exact["id"]) == {}
    [half_index] = vector_indexes(engine, half["id"]).values()
    assert "(half)::halfvec(1280)) halfvec_l2_ops" in half_index
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE half IS NOT NULL), count(vector) "
                "FROM embeddings WHERE space_id = :s"
            ),
            {"s": half["id"]},
        ).one()
    assert tuple(stored) == (4, 0)
    for sid in (ivf["id"], exact["id"], half["id"]):
        assert space(live_client, pid, sid)["item_count"] == 4


def test_unknown_models_and_weights_are_client_errors(client: TestClient, tmp_path: Path) -> None:
    pid = make_project(client)
    url = f"/api/v1/projects/{pid}/spaces"
    cases = [
        ({"model": "ViT-Nope"}, 422, "unknown model"),
        ({"model": "ViT-B-32", "pretrained": "not-a-tag"}, 422, "tags"),
        (
            {"model": "torchvision:mobilenet_v2", "pretrained": str(tmp_path / "missing.pth")},
            422,
            "weights tag",
        ),
        ({"model": "torchvision:nonet"}, 422, "no classification model"),
        ({"model": 424242}, 404, "model version 424242"),
        ({"model": "ViT-B-32", "index": {"kind": "annoy"}}, 422, "index"),
        ({"model": "ViT-B-32", "index": {"kind": "hnsw", "m": 1}}, 422, "m"),
    ]
    for body, status, message in cases:
        response = client.post(url, json=body)
        assert response.status_code == status, (body, response.text)
        assert message in response.json()["error"]["message"], (body, response.text)
    assert client.post("/api/v1/projects/999999/spaces", json={"model": "ViT-B-32"}).status_code == 404


def test_open_clip_space_from_a_local_checkpoint(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], tiny_clip: str
) -> None:
    pid = make_project(live_client)
    upload(live_client, pid, [(f"p{i}.jpg", photo_bytes(i)) for i in range(3)])
    created = create_space(live_client, pid, model=tiny_clip, pretrained=None, image_size=None)
    assert created["backbone"] == "open_clip"
    run_until_idle(run_jobs)
    built = space(live_client, pid, created["id"])
    assert (built["status"], built["dimension"], built["item_count"]) == ("ready", 32, 3)


def test_a_failing_embedding_marks_the_space_failed(
    live_client: TestClient, run_jobs: Callable[[], int], queues: list[Queue], tmp_path: Path
) -> None:
    import torch
    import torchvision

    weights = tmp_path / "resnet18.pth"
    torch.save(torchvision.models.resnet18().state_dict(), weights)
    pid = make_project(live_client)
    upload(live_client, pid, [("p.jpg", photo_bytes(1))])
    created = create_space(live_client, pid, model="torchvision:resnet18", pretrained=str(weights))
    weights.write_bytes(b"corrupted")  # gone bad between the request and the job
    run_until_idle(run_jobs)
    failed = space(live_client, pid, created["id"])
    assert failed["status"] == "failed"
    assert "embedding failed" in failed["error"]
    assert not failed["active"]
    assert not failed["activation_pending"]
    assert job(live_client, created["job_id"])["status"] == "failed"
