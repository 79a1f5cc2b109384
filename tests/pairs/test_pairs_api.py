"""Positive pairs over HTTP: added once per unordered pair, listed and paged, removed; unknown items
or a pair of one item are rejected without adding anything; deleting an item drops its pairs."""

from fastapi.testclient import TestClient

from tests.training.factories import coloured_png


def _project(client: TestClient, n: int = 4, name: str = "pairs") -> tuple[int, list[int]]:
    pid = int(client.post("/api/v1/projects", json={"name": name}).json()["id"])
    files = [("files", (f"i{i}.png", coloured_png("red", seed=i), "image/png")) for i in range(n)]
    response = client.post(f"/api/v1/projects/{pid}/items", files=files)
    assert response.status_code == 201, response.text
    return pid, [item["id"] for item in response.json()["items"]]


def test_pairs_are_added_once_listed_and_removed(client: TestClient) -> None:
    pid, ids = _project(client)
    url = f"/api/v1/projects/{pid}/positive-pairs"
    body = {"pairs": [{"a": ids[1], "b": ids[0]}, {"a": ids[1], "b": ids[2]}, {"a": ids[0], "b": ids[1]}]}
    added = client.post(url, json=body)
    assert added.status_code == 200, added.text
    assert added.json() == {"created": 2, "existing": 1}
    again = client.post(url, json={"pairs": [{"a": ids[2], "b": ids[1]}]}).json()
    assert again == {"created": 0, "existing": 1}

    listed = client.get(url).json()
    assert listed["total"] == 2
    assert [(p["item_a_id"], p["item_b_id"]) for p in listed["items"]] == [(ids[0], ids[1]), (ids[1], ids[2])]
    of_item = client.get(url, params={"item_id": ids[2]}).json()
    assert [(p["item_a_id"], p["item_b_id"]) for p in of_item["items"]] == [(ids[1], ids[2])]
    page = client.get(url, params={"limit": 1, "offset": 1}).json()
    assert (page["total"], len(page["items"]), page["items"][0]["item_b_id"]) == (2, 1, ids[2])

    first = listed["items"][0]["id"]
    assert client.delete(f"{url}/{first}").status_code == 204
    gone = client.delete(f"{url}/{first}")
    assert gone.status_code == 404
    assert f"positive pair {first}" in gone.json()["error"]["message"]
    assert client.get(url).json()["total"] == 1


def test_bad_pairs_are_rejected_and_nothing_is_added(client: TestClient) -> None:
    pid, ids = _project(client)
    other, other_ids = _project(client, n=1, name="other")
    url = f"/api/v1/projects/{pid}/positive-pairs"
    unknown = client.post(url, json={"pairs": [{"a": ids[0], "b": ids[1]}, {"a": ids[0], "b": other_ids[0]}]})
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert str(other_ids[0]) in error["message"]
    assert "no pair was added" in error["message"]
    assert error["detail"]["missing_item_ids"] == [other_ids[0]]
    same = client.post(url, json={"pairs": [{"a": ids[0], "b": ids[0]}]})
    assert same.status_code == 422
    assert "two different items" in same.text
    assert client.post(url, json={"pairs": []}).status_code == 422
    assert client.post(url, json={"pairs": [{"a": 0, "b": 1}]}).status_code == 422
    assert client.get(url).json()["total"] == 0
    assert client.get(f"/api/v1/projects/{other}/positive-pairs").json()["total"] == 0


def test_deleting_an_item_drops_its_pairs(client: TestClient) -> None:
    pid, ids = _project(client)
    url = f"/api/v1/projects/{pid}/positive-pairs"
    client.post(url, json={"pairs": [{"a": ids[0], "b": ids[1]}, {"a": ids[2], "b": ids[3]}]})
    assert client.delete(f"/api/v1/projects/{pid}/items/{ids[0]}").status_code == 204
    remaining = client.get(url).json()
    assert [(p["item_a_id"], p["item_b_id"]) for p in remaining["items"]] == [(ids[2], ids[3])]
