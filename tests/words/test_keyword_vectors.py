"""Deploying a keywords model version fills item_keyword_vectors (a real tiny model trained
through the platform), and search by words then answers from them."""

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.training.factories import TINY_PARAMS, coloured_png, get_run
from tests.words.helpers import import_file, search_items
from tests.words.vector_files import write_file

TAGS = {"red": ["rust", "corrosion"], "blue": ["paint"]}


def _tagged_project(client: TestClient) -> int:
    pid = int(client.post("/api/v1/projects", json={"name": "keyword-vectors"}).json()["id"])
    for colour, keywords in TAGS.items():
        files = [("files", (f"{colour}{i}.png", coloured_png(colour, seed=i), "image/png")) for i in range(8)]
        ids = [
            item["id"] for item in client.post(f"/api/v1/projects/{pid}/items", files=files).json()["items"]
        ]
        for split, chosen in (("val", ids[:3]), ("train", ids[3:])):
            body = {"item_ids": chosen, "add_keywords": keywords, "split": split}
            assert client.post(f"/api/v1/projects/{pid}/annotations/bulk", json=body).status_code == 200
    return pid


def test_deploying_a_keywords_version_stores_output_vectors_for_search(
    live_client: TestClient, run_jobs: Callable[[], int], engine: Engine, tmp_path: Path
) -> None:
    pid = _tagged_project(live_client)
    assert import_file(live_client, pid, write_file(tmp_path, "word2vec-text")).status_code == 202
    run_jobs()
    params = {k: v for k, v in TINY_PARAMS.items() if k not in ("embedding_dim", "temperature")}
    body = {"kind": "keywords", "params": {**params, "num_outputs": 3}, "dataset": {"filters": {}}}
    created = live_client.post(f"/api/v1/projects/{pid}/training-runs", json=body)
    assert created.status_code == 201, created.text
    run_jobs()
    run = get_run(live_client, pid, created.json()["id"])
    assert run["status"] == "succeeded", run.get("error")
    (version,) = live_client.get(f"/api/v1/projects/{pid}/models").json()["models"]
    deployed = live_client.post(f"/api/v1/projects/{pid}/models/{version['id']}/deploy")
    assert deployed.status_code in (200, 201), deployed.text
    run_jobs()
    with engine.connect() as conn:
        job = conn.execute(
            text("SELECT status, result FROM jobs WHERE project_id = :p AND kind = 'keyword_vectors'"),
            {"p": pid},
        ).one()
        assert job.status == "succeeded", job
        assert job.result["items"] == 16
        norms = (
            "SELECT count(*), min(vector_norm(vector)), max(vector_norm(vector)) FROM item_keyword_vectors"
        )
        stored = conn.execute(text(f"{norms} WHERE model_version_id = :v"), {"v": version["id"]}).one()
    # the outputs above the model threshold, stored unit length
    assert stored[0] == job.result["vectors"] > 0
    assert abs(stored[1] - 1) < 1e-4
    assert abs(stored[2] - 1) < 1e-4
    found = search_items(live_client, pid, words=["rust"], k=5)
    assert found["via"] == "keyword-model"
    assert found["model_version_id"] == version["id"]
    assert found["results"][0]["filename"].startswith("red")

    # An item uploaded after the deploy gets its vectors too, without another deploy.
    upload = [("files", ("late.png", coloured_png("red", seed=99), "image/png"))]
    late = live_client.post(f"/api/v1/projects/{pid}/items", files=upload).json()["items"][0]["id"]
    run_jobs()
    with engine.connect() as conn:
        follow = conn.execute(
            text(
                "SELECT status, result FROM jobs WHERE project_id = :p AND kind = 'keyword_vectors' "
                "ORDER BY created_at DESC LIMIT 1"
            ),
            {"p": pid},
        ).one()
        rows = conn.scalar(text("SELECT count(*) FROM item_keyword_vectors WHERE item_id = :i"), {"i": late})
    assert follow.status == "succeeded", follow
    assert follow.result["items"] == 1
    assert rows == follow.result["vectors"]

    # The same deployed version suggests keywords for one item, and for many as suggestions.
    item = found["results"][0]["item_id"]
    answer = live_client.post(f"/api/v1/projects/{pid}/predict/keywords", data={"item_id": str(item)})
    assert answer.status_code == 200, answer.text
    suggested = answer.json()
    assert suggested["model"]["model_id"] == version["id"]
    assert suggested["keywords"], "an item with stored output vectors gets at least one keyword"
    scores = [k["score"] for k in suggested["keywords"]]
    assert scores == sorted(scores, reverse=True)
    batch = live_client.post(
        f"/api/v1/projects/{pid}/predict/batch", json={"kind": "keywords", "min_score": 0.0}
    )
    assert batch.status_code == 202, batch.text
    run_jobs()
    listed = live_client.get(f"/api/v1/projects/{pid}/suggestions", params={"kind": "keyword"}).json()
    assert listed["total"] > 0
    assert {s["kind"] for s in listed["suggestions"]} == {"keyword"}


def test_images_with_no_output_above_the_threshold_store_no_rows() -> None:
    import numpy as np

    from mireru.words.keyword_vectors import _rows

    outputs = [np.zeros((0, 4), dtype=np.float32), np.array([[3.0, 4.0, 0.0, 0.0]], dtype=np.float32)]
    rows = _rows([1, 2], outputs)
    assert [(item, slot, norm) for item, slot, _, norm in rows] == [(2, 0, 5.0)]
    assert np.allclose(rows[0][2], [0.6, 0.8, 0.0, 0.0])
