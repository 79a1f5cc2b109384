"""Steps the word tests share: importing and training word models, reading them back."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

Json = dict[str, Any]


def import_file(client: TestClient, project_id: int, path: Path, **form: Any) -> Any:
    fields = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in form.items()}
    return client.post(
        f"/api/v1/projects/{project_id}/word-models/import",
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data=fields,
    )


def train(client: TestClient, project_id: int, corpus: bytes | None = None, **form: Any) -> Any:
    fields = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in form.items()}
    files = {"corpus": ("corpus.txt", corpus, "text/plain")} if corpus is not None else None
    return client.post(f"/api/v1/projects/{project_id}/word-models", data=fields, files=files)


def word_model(client: TestClient, project_id: int, model_id: int) -> Json:
    response = client.get(f"/api/v1/projects/{project_id}/word-models/{model_id}")
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def neighbours(client: TestClient, project_id: int, word: str, k: int = 3) -> Json:
    response = client.get(f"/api/v1/projects/{project_id}/words/{word}/neighbours", params={"k": k})
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def search_items(client: TestClient, project_id: int, **body: Any) -> Json:
    response = client.post(f"/api/v1/projects/{project_id}/search/words", json=body)
    assert response.status_code == 200, response.text
    result: Json = response.json()
    return result
