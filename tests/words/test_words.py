"""Word queries on the active word model: neighbours, search by word/phrase/vector, prefixes,
activation and deletion."""

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mireru.models import Word
from tests.embeddings.helpers import make_project
from tests.words.factories import ready_word_model
from tests.words.helpers import neighbours
from tests.words.vector_files import VECTORS


def _cosine(a: str, b: list[float]) -> float:
    x, y = np.asarray(VECTORS[a]), np.asarray(b)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


def _search(client: TestClient, project_id: int, **body: object) -> dict:  # type: ignore[type-arg]
    response = client.post(f"/api/v1/projects/{project_id}/words/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_neighbours_leave_the_word_out_and_rank_by_cosine(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    model = ready_word_model(db, project_id)
    near = neighbours(client, project_id, "rust", k=3)
    assert near["word_model_id"] == model.id
    ranked = [n["word"] for n in near["neighbours"]]
    assert ranked[0] == "corrosion"
    assert "rust" not in ranked
    assert len(ranked) == 3
    assert near["neighbours"][0]["score"] == pytest.approx(_cosine("rust", VECTORS["corrosion"]), abs=1e-5)
    scores = [n["score"] for n in near["neighbours"]]
    assert scores == sorted(scores, reverse=True)


def test_a_phrase_without_its_own_token_is_the_mean_of_its_words(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    ready_word_model(db, project_id)
    phrase = _search(client, project_id, phrase="Fatigue Crack", k=1)
    assert phrase["query"] == {
        "text": "Fatigue Crack",
        "how": "phrase-token",
        "used": ["fatigue_crack"],
        "missing": [],
    }
    assert phrase["neighbours"][0]["word"] == "fatigue_crack"
    mean = _search(client, project_id, phrase="rust crack widening", k=7)
    assert mean["query"]["how"] == "mean"
    assert mean["query"]["used"] == ["rust", "crack"]
    assert mean["query"]["missing"] == ["widening"]
    unit = [np.asarray(VECTORS[w]) / np.linalg.norm(VECTORS[w]) for w in ("rust", "crack")]
    expected = np.mean(unit, axis=0)
    scores = {n["word"]: n["score"] for n in mean["neighbours"]}
    assert scores["paint"] == pytest.approx(_cosine("paint", list(expected)), abs=1e-5)
    # the path form takes phrases too
    assert neighbours(client, project_id, "fatigue crack", k=2)["query"]["how"] == "phrase-token"


def test_search_by_vector_and_by_word(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    ready_word_model(db, project_id)
    by_vector = _search(client, project_id, vector=[0.0, 0.0, 0.0, 3.0], k=2)
    assert by_vector["query"]["how"] == "vector"
    assert by_vector["neighbours"][0] == {"word": "paint", "score": pytest.approx(1.0, abs=1e-5), "count": 1}
    by_word = _search(client, project_id, word="crack", k=2)
    assert [n["word"] for n in by_word["neighbours"]] == ["crack", "fracture"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"word": "widening"}, "not in the vocabulary"),
        ({"phrase": "widening gap"}, "'widening gap'"),
        ({"vector": [1.0, 0.0]}, "vector must have 4 finite numbers"),
        ({"vector": [0.0, 0.0, 0.0, 0.0]}, "not all zero"),
        ({"word": "rust", "phrase": "rust"}, "exactly one of word, phrase, vector"),
        ({}, "exactly one of word, phrase, vector"),
        ({"word": "rust", "k": 0}, "k"),
    ],
)
def test_bad_word_queries_are_a_422(client: TestClient, db: Session, body: dict, problem: str) -> None:  # type: ignore[type-arg]
    project_id = make_project(client, "words")
    ready_word_model(db, project_id)
    response = client.post(f"/api/v1/projects/{project_id}/words/search", json=body)
    assert response.status_code == 422, response.text
    assert problem in response.json()["error"]["message"]


def test_unknown_word_neighbours_are_a_422_naming_it(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    ready_word_model(db, project_id)
    response = client.get(f"/api/v1/projects/{project_id}/words/widening/neighbours")
    assert response.status_code == 422
    error = response.json()["error"]
    assert "'widening'" in error["message"]
    assert error["detail"]["unknown"] == ["widening"]


def test_prefix_listing_for_autocomplete(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    ready_word_model(db, project_id)
    url = f"/api/v1/projects/{project_id}/words"
    listed = client.get(url, params={"prefix": "f"}).json()["words"]
    assert listed == [
        {"word": "fatigue", "count": 9},
        {"word": "fatigue_crack", "count": 4},
        {"word": "fracture", "count": 4},
    ]
    # "_" is a literal character, not LIKE's wildcard
    underscored = client.get(url, params={"prefix": "fatigue_"}).json()["words"]
    assert [w["word"] for w in underscored] == ["fatigue_crack"]
    assert len(client.get(url, params={"limit": 2}).json()["words"]) == 2
    assert client.get(url, params={"limit": 0}).status_code == 422


def test_without_an_active_word_model_word_queries_are_a_409(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    response = client.get(f"/api/v1/projects/{project_id}/words/rust/neighbours")
    assert response.status_code == 409
    assert "no active word model" in response.json()["error"]["message"]
    ready_word_model(db, project_id, active=False)
    assert client.get(f"/api/v1/projects/{project_id}/words").status_code == 409
    assert client.get("/api/v1/projects/999999/words").status_code == 404


def test_activate_switches_and_delete_removes_the_words(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    first = ready_word_model(db, project_id)
    second = ready_word_model(db, project_id, {"rust": [1.0, 0.0], "paint": [0.0, 1.0]}, active=False)
    base = f"/api/v1/projects/{project_id}/word-models"
    activated = client.post(f"{base}/{second.id}/activate")
    assert activated.status_code == 200, activated.text
    assert activated.json()["active"] is True
    listed = client.get(base).json()
    assert listed["active_word_model_id"] == second.id
    assert [m["active"] for m in listed["models"]] == [False, True]
    assert neighbours(client, project_id, "rust", k=5)["neighbours"][0]["word"] == "paint"

    assert client.delete(f"{base}/{first.id}").status_code == 204
    assert client.get(f"{base}/{first.id}").status_code == 404
    remaining = db.scalar(select(func.count()).where(Word.word_model_id == first.id))
    assert remaining == 0
    assert client.post(f"{base}/{first.id}/activate").status_code == 404


def test_only_a_ready_model_can_be_activated(client: TestClient, db: Session) -> None:
    project_id = make_project(client, "words")
    model = ready_word_model(db, project_id, active=False)
    model.status = "failed"
    db.flush()
    response = client.post(f"/api/v1/projects/{project_id}/word-models/{model.id}/activate")
    assert response.status_code == 409
    assert "only a ready model" in response.json()["error"]["message"]


def test_a_model_whose_job_died_reads_failed_and_can_be_deleted(client: TestClient, db: Session) -> None:
    from datetime import UTC, datetime

    from mireru.jobs import repository as jobs_repo

    project_id = make_project(client, "words")
    model = ready_word_model(db, project_id, active=False)
    job = jobs_repo.create(db, "word_model_import", "default", project_id, {})
    model.status, model.job_id = "running", job.id
    db.flush()
    url = f"/api/v1/projects/{project_id}/word-models/{model.id}"
    assert client.delete(url).status_code == 409  # its job is still running
    jobs_repo.mark_finished(
        db, job.id, "failed", datetime.now(UTC), error="the worker running this job stopped"
    )
    db.flush()
    read = client.get(url).json()
    assert (read["status"], read["error"]) == ("failed", "the worker running this job stopped")
    assert client.delete(url).status_code == 204
