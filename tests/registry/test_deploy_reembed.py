"""Deploying a trained embedding version re-embeds the project into a new space over that version
and switches search to it when complete; rolling back switches search back. Real RQ jobs."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.training.factories import get_run, labelled_project, start_run


def _train(client: TestClient, pid: int, run_jobs: Callable[[], int]) -> int:
    run = start_run(client, pid)
    run_jobs()
    done = get_run(client, pid, run["id"])
    assert done["status"] == "succeeded", done
    return int(done["model_version_id"])


def _active_space(client: TestClient, pid: int) -> dict[str, object]:
    spaces = client.get(f"/api/v1/projects/{pid}/spaces").json()
    [active] = [s for s in spaces["spaces"] if s["active"]]
    return dict(active)


def test_deploy_switches_search_to_the_versions_space_and_rollback_switches_back(
    live_client: TestClient, run_jobs: Callable[[], int]
) -> None:
    c = live_client
    pid = labelled_project(c, "deploy-reembed", per_class=6, val_per_class=2)
    v1, v2 = _train(c, pid, run_jobs), _train(c, pid, run_jobs)
    models = f"/api/v1/projects/{pid}/models"

    deployed = c.post(f"{models}/{v1}/deploy")
    assert deployed.status_code == 200, deployed.text
    assert deployed.json()["deployment"]["status"] == "reembedding"
    run_jobs()  # embed every item with version 1, build the index, activate
    space = _active_space(c, pid)
    assert (space["backbone"], space["model"], space["status"]) == ("model_version", str(v1), "ready")
    assert space["item_count"] == 12
    assert c.get(f"{models}/{v1}").json()["deployment"]["status"] == "live"

    item = c.get(f"/api/v1/projects/{pid}/items?limit=1").json()["items"][0]["id"]
    hits = c.post(f"/api/v1/projects/{pid}/search", json={"item_id": item, "k": 5}).json()
    assert hits["space_id"] == space["id"]
    assert hits["results"][0]["item_id"] == item
    assert len(hits["results"]) == 5

    # Forced: this test is about the switch, not about which version scores better (the gate).
    assert c.post(f"{models}/{v2}/deploy", json={"force": True}).status_code == 200
    run_jobs()
    second = _active_space(c, pid)
    assert second["model"] == str(v2)
    assert (
        c.post(f"/api/v1/projects/{pid}/search", json={"item_id": item, "k": 3}).json()["space_id"]
        == second["id"]
    )

    back = c.post(f"{models}/{v2}/rollback")
    assert back.status_code == 200, back.text
    run_jobs()
    third = _active_space(c, pid)
    assert third["model"] == str(v1)
    assert (
        c.post(f"/api/v1/projects/{pid}/search", json={"item_id": item, "k": 3}).json()["space_id"]
        == third["id"]
    )


def test_a_space_over_an_unknown_or_non_embedding_version_is_refused(live_client: TestClient) -> None:
    pid = int(live_client.post("/api/v1/projects", json={"name": "no-version"}).json()["id"])
    missing = live_client.post(f"/api/v1/projects/{pid}/spaces", json={"model": 424242})
    assert missing.status_code == 404
    assert "model version 424242 does not exist" in missing.json()["error"]["message"]
