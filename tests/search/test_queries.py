"""Each kind of query: an item, a raw vector, text (text tower), an uploaded image."""

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.embeddings.helpers import make_project, search
from tests.ml.models import near_copy
from tests.search.conftest import Photos


def _vector(engine: Engine, space_id: int, item_id: int) -> list[float]:
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT vector::text FROM embeddings WHERE space_id = :s AND item_id = :i"),
            {"s": space_id, "i": item_id},
        ).scalar_one()
    return [float(v) for v in value.strip("[]").split(",")]


def test_item_query_lists_the_item_first_then_its_nearest(photos: Photos, search_client: TestClient) -> None:
    first = photos.items[0]["id"]
    body = search(search_client, photos.project_id, item_id=first, k=5)
    ids = [r["item_id"] for r in body["results"]]
    assert ids[0] == first
    assert body["results"][0]["score"] > 0.999
    assert ids[1] == photos.copy_of_0  # the near duplicate is its nearest neighbour
    assert len(ids) == 5
    assert len(set(ids)) == 5
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert (body["space_id"], body["strategy"], body["exact_fallback"]) == (photos.space_id, "hnsw", False)
    hit = body["results"][1]
    assert hit["filename"] == "copy-of-0.jpg"
    assert hit["thumbnail_url"] == f"/api/v1/projects/{photos.project_id}/items/{photos.copy_of_0}/thumbnail"


def test_exclude_self(photos: Photos, search_client: TestClient) -> None:
    first = photos.items[0]["id"]
    body = search(search_client, photos.project_id, item_id=first, k=5, exclude_self=True)
    ids = [r["item_id"] for r in body["results"]]
    assert first not in ids
    assert ids[0] == photos.copy_of_0
    assert len(ids) == 5


def test_vector_query(photos: Photos, search_client: TestClient, engine: Engine) -> None:
    target = photos.items[7]["id"]
    vector = _vector(engine, photos.space_id, target)
    body = search(search_client, photos.project_id, vector=vector, k=3)
    assert body["results"][0]["item_id"] == target
    assert abs(body["results"][0]["distance"]) < 1e-4
    bad = search_client.post(f"/api/v1/projects/{photos.project_id}/search", json={"vector": [0.1, 0.2]})
    assert bad.status_code == 422
    assert "1280" in bad.json()["error"]["message"]


def test_image_query_with_form_options(photos: Photos, search_client: TestClient) -> None:
    url = f"/api/v1/projects/{photos.project_id}/search/image"
    response = search_client.post(url, files={"file": ("q.jpg", near_copy(0), "image/jpeg")}, data={"k": "2"})
    assert response.status_code == 200, response.text
    ids = [r["item_id"] for r in response.json()["results"]]
    assert ids == [photos.copy_of_0, photos.items[0]["id"]]
    dogs = search_client.post(
        url,
        files={"file": ("q.jpg", near_copy(0), "image/jpeg")},
        data={"k": "4", "filters": '{"label": "dog"}'},
    )
    assert dogs.status_code == 200, dogs.text
    dog_ids = {photos.items[s]["id"] for s in range(1, 24, 2)}
    assert {r["item_id"] for r in dogs.json()["results"]} <= dog_ids
    assert len(dogs.json()["results"]) == 4
    not_image = search_client.post(url, files={"file": ("q.txt", b"hello", "text/plain")})
    assert not_image.status_code == 415
    bad_filter = search_client.post(url, files={"file": ("q.jpg", near_copy(0))}, data={"filters": "{"})
    assert bad_filter.status_code == 422


def test_text_query_through_the_text_tower(photos: Photos, search_client: TestClient) -> None:
    body = search(search_client, photos.project_id, text="a red cat", k=4, space_id=photos.text_space_id)
    assert body["space_id"] == photos.text_space_id
    assert len(body["results"]) == 4
    no_tower = search_client.post(f"/api/v1/projects/{photos.project_id}/search", json={"text": "a red cat"})
    assert no_tower.status_code == 422
    assert "no text tower" in no_tower.json()["error"]["message"]


def test_index_answers_agree_with_exact_search(photos: Photos, search_client: TestClient) -> None:
    for seed in (3, 10, 17):
        query = {"item_id": photos.items[seed]["id"], "k": 8}
        approx = search(search_client, photos.project_id, **query)
        exact = search(search_client, photos.project_id, **query, exact=True)
        assert exact["strategy"] == "exact"
        assert [r["item_id"] for r in approx["results"]] == [r["item_id"] for r in exact["results"]]
        np.testing.assert_allclose(
            [r["score"] for r in approx["results"]], [r["score"] for r in exact["results"]], atol=1e-5
        )


def test_bad_queries_are_client_errors(photos: Photos, search_client: TestClient) -> None:
    url = f"/api/v1/projects/{photos.project_id}/search"
    both = search_client.post(url, json={"item_id": photos.items[0]["id"], "text": "cat"})
    assert both.status_code == 422
    assert search_client.post(url, json={"k": 3}).status_code == 422
    assert search_client.post(url, json={"item_id": 987654321}).status_code == 404
    assert (
        search_client.post(url, json={"item_id": photos.items[0]["id"], "space_id": 987654}).status_code
        == 404
    )
    assert search_client.post(url, json={"item_id": photos.items[0]["id"], "k": 0}).status_code == 422


def test_a_project_without_a_space_says_so(client: TestClient) -> None:
    pid = make_project(client)
    response = client.post(f"/api/v1/projects/{pid}/search", json={"vector": [1.0, 0.0]})
    assert response.status_code == 409
    assert "no embedding space" in response.json()["error"]["message"]
