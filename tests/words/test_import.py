"""Importing pretrained word vectors through the API and a real RQ worker."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from mireru.main import create_app
from mireru.state import AppState
from tests.embeddings.helpers import job, make_project
from tests.words.helpers import import_file, neighbours, word_model
from tests.words.vector_files import VECTORS, write_file


def _word_indexes(engine: Engine, model_id: int) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE tablename = 'words' AND indexname = :n"),
            {"n": f"words_model_{model_id}_hnsw"},
        )
        return [str(r) for r in rows.scalars()]


@pytest.mark.parametrize("fmt", ["word2vec-text", "word2vec-binary", "glove", "keyedvectors+gz"])
def test_imported_vectors_answer_nearest_words(
    live_client: TestClient, run_jobs: Callable[[], int], engine: Engine, tmp_path: Path, fmt: str
) -> None:
    project_id = make_project(live_client, "words")
    response = import_file(live_client, project_id, write_file(tmp_path, fmt), name="pretrained")
    assert response.status_code == 202, response.text
    created = response.json()
    assert (created["status"], created["dimension"], created["source"]) == ("queued", 4, "imported")
    run_jobs()
    model = word_model(live_client, project_id, created["id"])
    assert model["status"] == "ready", model["error"]
    assert model["active"] is True
    assert model["stats"]["words"] == len(VECTORS)
    assert job(live_client, created["job_id"])["status"] == "succeeded"
    # one partial HNSW cosine index on the model's cast expression
    (definition,) = _word_indexes(engine, created["id"])
    assert "USING hnsw" in definition
    assert "vector_cosine_ops" in definition
    assert f"(word_model_id = {created['id']})" in definition

    near = neighbours(live_client, project_id, "rust", k=2)
    assert near["query"] == {"text": "rust", "how": "word", "used": ["rust"], "missing": []}
    assert near["neighbours"][0]["word"] == "corrosion"
    assert "rust" not in [n["word"] for n in near["neighbours"]]
    expected = np.dot(VECTORS["rust"], VECTORS["corrosion"]) / (
        np.linalg.norm(VECTORS["rust"]) * np.linalg.norm(VECTORS["corrosion"])
    )
    assert near["neighbours"][0]["score"] == pytest.approx(expected, abs=1e-5)

    # stored vectors are unit length
    with engine.connect() as conn:
        norms = conn.execute(
            text("SELECT vector_norm(vector) FROM words WHERE word_model_id = :m"), {"m": created["id"]}
        ).scalars()
        assert all(abs(n - 1.0) < 1e-5 for n in norms)


def test_bad_files_are_a_422_that_names_the_problem_and_store_nothing(
    live_client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    project_id = make_project(live_client, "words")
    cases = {
        "bad-number.txt": (b"2 3\nrust 0.1 0.2 0.3\ncrack 0.1 zero 0.3\n", "line 3"),
        "short.txt": (b"3 3\nrust 0.1 0.2 0.3\n", "announces 3 words"),
        "ragged.glove": (b"rust 0.1 0.2 0.3\ncrack 0.1 0.2\n", "line 2: 2 numbers, expected 3"),
        "latin1.glove": (b"rost 0.1 0.2\n\xe9t\xe9 0.3 0.4\n", "line 2: not UTF-8"),
        "empty.txt": (b"", "empty"),
    }
    for name, (data, problem) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        response = import_file(live_client, project_id, path)
        assert response.status_code == 422, (name, response.text)
        error = response.json()["error"]
        assert problem in error["message"], (name, error)
        assert name in error["message"], (name, error)
        assert error["detail"]["field"] == "file"
    truncated = write_file(tmp_path, "word2vec-binary")
    truncated.write_bytes(truncated.read_bytes()[:-10])
    response = import_file(live_client, project_id, truncated)
    assert response.status_code == 422
    assert "word 7" in response.json()["error"]["message"]
    wrong_format = import_file(
        live_client, project_id, write_file(tmp_path, "glove"), format="word2vec-binary"
    )
    assert wrong_format.status_code == 422, wrong_format.text
    unknown_format = import_file(live_client, project_id, write_file(tmp_path, "glove"), format="fasttext")
    assert unknown_format.status_code == 422

    listed = live_client.get(f"/api/v1/projects/{project_id}/word-models").json()
    assert listed == {"models": [], "active_word_model_id": None}
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE project_id = :p"), {"p": project_id})
        assert jobs.scalar() == 0


def test_an_upload_over_the_size_limit_is_a_413(app_state: AppState, tmp_path: Path) -> None:
    state = replace(app_state, settings=app_state.settings.model_copy(update={"max_import_bytes": 1000}))
    with TestClient(create_app(state)) as client:
        project_id = make_project(client, "words")
        path = tmp_path / "big.txt"
        path.write_text("1 3\nrust 0.1 0.2 0.3\n" + " " * 1000)
        response = import_file(client, project_id, path)
        assert response.status_code == 413
        assert "limit of 1000 bytes" in response.json()["error"]["message"]


def test_a_file_malformed_past_the_request_check_fails_its_job_and_stores_no_word(
    live_client: TestClient,
    run_jobs: Callable[[], int],
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mireru.words import service

    # Large uploads are checked only in part in the request: make this small one "large".
    monkeypatch.setattr(service, "FULL_CHECK_BYTES", 0)
    monkeypatch.setattr(service, "CHECK_RECORDS", 2)
    project_id = make_project(live_client, "words")
    path = tmp_path / "late-error.txt"
    path.write_text("4 2\nrust 0.1 0.2\npaint 0.3 0.4\ncrack 0.5 oops\nfracture 0.1 0.1\n")
    response = import_file(live_client, project_id, path)
    assert response.status_code == 202, response.text
    model_id = response.json()["id"]
    run_jobs()
    model = word_model(live_client, project_id, model_id)
    assert model["status"] == "failed"
    assert "line 4: not a number" in model["error"]
    assert model["active"] is False
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM words WHERE word_model_id = :m"), {"m": model_id})
        assert count.scalar() == 0
    assert _word_indexes(engine, model_id) == []


def test_deleting_a_model_drops_its_words_and_index(
    live_client: TestClient, run_jobs: Callable[[], int], engine: Engine, tmp_path: Path
) -> None:
    project_id = make_project(live_client, "words")
    created = import_file(live_client, project_id, write_file(tmp_path, "glove")).json()
    run_jobs()
    assert len(_word_indexes(engine, created["id"])) == 1
    assert live_client.delete(f"/api/v1/projects/{project_id}/word-models/{created['id']}").status_code == 204
    run_jobs()  # the clean-up job drops the index CONCURRENTLY
    assert _word_indexes(engine, created["id"]) == []
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM words WHERE word_model_id = :m"), {"m": created["id"]}
        )
        assert count.scalar() == 0
    listed = live_client.get(f"/api/v1/projects/{project_id}/word-models").json()
    assert listed == {"models": [], "active_word_model_id": None}
