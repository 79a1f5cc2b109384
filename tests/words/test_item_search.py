"""Searching items by words, also words no item was tagged with: through a deployed keywords
model's stored output vectors, and through the keywords nearest in the word space."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.embeddings.helpers import annotate, make_project, upload
from tests.fixtures.images import image_bytes
from tests.words.factories import deployed_keywords_version, output_vectors, ready_word_model
from tests.words.helpers import search_items
from tests.words.vector_files import VECTORS

KEYWORDS = {
    "corroded.png": ["corrosion"],
    "cracked.png": ["crack"],
    "painted.png": ["paint"],
    "fatigued.png": ["fatigue crack"],
}


def _items(client: TestClient) -> tuple[int, dict[str, int]]:
    project_id = make_project(client, "word-search")
    files = [(name, image_bytes(32, 32, seed=i)) for i, name in enumerate(KEYWORDS)]
    items = {item["filename"]: item["id"] for item in upload(client, project_id, files)}
    for name, keywords in KEYWORDS.items():
        annotate(
            client,
            project_id,
            items[name],
            keywords=keywords,
            split="train" if name != "painted.png" else "val",
        )
    return project_id, items


def test_an_unseen_word_finds_items_through_the_nearest_keywords(client: TestClient, db: Session) -> None:
    project_id, items = _items(client)
    ready_word_model(db, project_id)
    found = search_items(client, project_id, words=["rust"], k=2)  # no item is tagged "rust"
    assert found["via"] == "word-neighbours"
    assert "no keywords model is deployed" in found["note"]
    assert found["model_version_id"] is None
    # rust is nearest corrosion, then fatigue_crack (a little of the same direction)
    assert [r["item_id"] for r in found["results"]] == [items["corroded.png"], items["fatigued.png"]]
    assert found["expanded_keywords"][0]["keyword"] == "corrosion"
    top = found["results"][0]
    assert top["score"] == pytest.approx(found["expanded_keywords"][0]["score"])
    assert top["distance"] == pytest.approx(1 - top["score"])
    assert top["thumbnail_url"] == f"/api/v1/projects/{project_id}/items/{top['item_id']}/thumbnail"
    assert found["words"] == [{"text": "rust", "how": "word", "used": ["rust"], "missing": []}]

    # a multi-word keyword gets its vector by the phrase rule too ("fatigue_crack")
    fatigue = search_items(client, project_id, words=["fatigue"], k=1)
    assert fatigue["results"][0]["item_id"] == items["fatigued.png"]
    # filters narrow the items: the same search among "val" items only
    filtered = search_items(client, project_id, words=["rust"], k=5, filters={"split": "val"})
    assert [r["item_id"] for r in filtered["results"]] == [items["painted.png"]]


def test_several_words_by_mean_or_best(client: TestClient, db: Session) -> None:
    project_id, items = _items(client)
    ready_word_model(db, project_id)
    best = search_items(client, project_id, words=["rust", "fracture"], k=2, combine="best")
    assert {r["item_id"] for r in best["results"]} == {items["corroded.png"], items["cracked.png"]}
    assert best["combine"] == "best"
    mean = search_items(client, project_id, words=["rust", "fracture"], k=4, combine="mean")
    assert len(mean["results"]) == 4
    assert mean["results"][0]["score"] < best["results"][0]["score"]


def test_unknown_words_are_a_422_naming_them(client: TestClient, db: Session) -> None:
    project_id, _ = _items(client)
    ready_word_model(db, project_id)
    response = client.post(
        f"/api/v1/projects/{project_id}/search/words", json={"words": ["rust", "widening"]}
    )
    assert response.status_code == 422
    assert "'widening'" in response.json()["error"]["message"]
    empty = client.post(f"/api/v1/projects/{project_id}/search/words", json={"words": []})
    assert empty.status_code == 422


def test_a_deployed_keywords_model_answers_from_its_output_vectors(client: TestClient, db: Session) -> None:
    project_id, items = _items(client)
    ready_word_model(db, project_id)
    version = deployed_keywords_version(db, project_id)

    # deployed, but its vectors are not stored yet: the word space answers, and says why
    waiting = search_items(client, project_id, words=["rust"], k=1)
    assert waiting["via"] == "word-neighbours"
    assert "not stored yet" in waiting["note"]

    # The model sees rust on the painted item (not tagged "rust" or "corrosion") and paint plus
    # a crack on the corroded one.
    output_vectors(db, version, items["painted.png"], [VECTORS["rust"]])
    output_vectors(db, version, items["corroded.png"], [VECTORS["paint"], VECTORS["crack"]])
    output_vectors(db, version, items["cracked.png"], [VECTORS["fracture"]])
    found = search_items(client, project_id, words=["rust"], k=3)
    assert found["via"] == "keyword-model"
    assert found["model_version_id"] == version.id
    assert found["note"] is None
    ranked = [r["item_id"] for r in found["results"]]
    assert ranked[0] == items["painted.png"]
    assert found["results"][0]["score"] == pytest.approx(1.0, abs=1e-5)
    assert items["fatigued.png"] not in ranked  # no output vectors stored for it
    # an item is scored by its output vector nearest to the words
    crack = search_items(client, project_id, words=["crack"], k=2)
    assert [r["item_id"] for r in crack["results"]] == [items["corroded.png"], items["cracked.png"]]
    filtered = search_items(client, project_id, words=["crack"], k=2, filters={"split": "val"})
    assert [r["item_id"] for r in filtered["results"]] == [items["painted.png"]]


def test_output_vectors_of_another_dimension_fall_back_to_the_word_space(
    client: TestClient, db: Session
) -> None:
    project_id, items = _items(client)
    ready_word_model(db, project_id)
    version = deployed_keywords_version(db, project_id)
    output_vectors(db, version, items["painted.png"], [[1.0, 0.0, 0.0]])
    found = search_items(client, project_id, words=["rust"], k=1)
    assert found["via"] == "word-neighbours"
    assert "outputs 3-d vectors" in found["note"]
    assert found["results"][0]["item_id"] == items["corroded.png"]
