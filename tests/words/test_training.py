"""Training word2vec on a project's own text through the API and a real RQ worker."""

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.embeddings.helpers import annotate, job, make_project, upload
from tests.fixtures.images import image_bytes
from tests.words.helpers import neighbours, train, word_model

TEXTS = [
    "fatigue crack at the weld toe of the girder",
    "surface rust and corrosion on the bearing plate",
    "paint peeling near the drain, some rust below",
    "a fatigue crack grows from the bolt hole",
    "corrosion pits on the web, paint lost",
    "crack in the deck slab near the joint",
]
KEYWORDS = [
    ["fatigue crack", "weld"],
    ["rust", "corrosion"],
    ["paint", "rust"],
    ["fatigue crack"],
    ["corrosion", "paint"],
    ["crack"],
]
CORPUS = b"the girder bearing carries the deck\nstiffener welds crack under fatigue loading\n" * 3


def _project_with_text(client: TestClient) -> int:
    project_id = make_project(client, "word2vec")
    files = [(f"{i}.png", image_bytes(32, 32, seed=i)) for i in range(len(TEXTS))]
    items = upload(client, project_id, files, text=json.dumps(TEXTS), metadata={"site": "Bridge North"})
    for item, keywords in zip(items, KEYWORDS, strict=True):
        annotate(client, project_id, item["id"], keywords=keywords)
    return project_id


def test_word2vec_trains_on_item_text_keywords_metadata_and_a_corpus(
    live_client: TestClient, run_jobs: Callable[[], int]
) -> None:
    project_id = _project_with_text(live_client)
    response = train(live_client, project_id, CORPUS, vector_size=16, min_count=1, epochs=3, window=3)
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "queued"
    assert created["params"]["corpus_tokens"] == 36
    assert run_jobs() == 1
    model = word_model(live_client, project_id, created["id"])
    assert model["status"] == "ready", model["error"]
    assert (model["dimension"], model["active"], model["source"]) == (16, True, "trained")
    assert model["stats"]["sentences"] == len(TEXTS) + 6
    finished = job(live_client, created["job_id"])
    assert finished["status"] == "succeeded"
    assert finished["progress"]["message"] == "ready"

    words = live_client.get(f"/api/v1/projects/{project_id}/words", params={"prefix": "fat", "limit": 10})
    assert words.status_code == 200, words.text
    listed = {w["word"]: w["count"] for w in words.json()["words"]}
    # item text and the corpus both say "fatigue"; the multi-word keyword is also one token
    assert listed["fatigue"] >= 3
    assert listed["fatigue_crack"] == 2
    corpus_only = live_client.get(f"/api/v1/projects/{project_id}/words", params={"prefix": "stiffener"})
    assert [w["word"] for w in corpus_only.json()["words"]] == ["stiffener"]
    metadata_word = live_client.get(f"/api/v1/projects/{project_id}/words", params={"prefix": "north"})
    assert [w["word"] for w in metadata_word.json()["words"]] == ["north"]

    near = neighbours(live_client, project_id, "Fatigue crack", k=5)
    assert near["query"]["how"] == "phrase-token"
    assert near["query"]["used"] == ["fatigue_crack"]
    assert len(near["neighbours"]) == 5
    assert all(-1.0 <= n["score"] <= 1.0 for n in near["neighbours"])
    assert "fatigue_crack" not in [n["word"] for n in near["neighbours"]]


def test_training_needs_something_to_train_on(client: TestClient) -> None:
    project_id = make_project(client, "word2vec")
    empty = train(client, project_id)
    assert empty.status_code == 422
    assert "no item text, keywords or metadata" in empty.json()["error"]["message"]
    neither = train(client, project_id, include_items=False)
    assert neither.status_code == 422
    assert "upload a corpus" in neither.json()["error"]["message"]
    latin1 = train(client, project_id, "caf\xe9 cr\xe8me\n".encode("latin-1"))
    assert latin1.status_code == 422
    assert "corpus line 1: not UTF-8" in latin1.json()["error"]["message"]
    listed = client.get(f"/api/v1/projects/{project_id}/word-models").json()
    assert listed["models"] == []


def test_bad_training_parameters_name_the_field(client: TestClient) -> None:
    project_id = make_project(client, "word2vec")
    response = train(client, project_id, b"some words here\n", vector_size=1)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["detail"]["field"] == "vector_size"
    assert "greater than or equal to 2" in error["message"]
    not_a_number = train(client, project_id, b"some words\n", epochs="many")
    assert not_a_number.status_code == 422
    assert "epochs" in not_a_number.json()["error"]["message"]
