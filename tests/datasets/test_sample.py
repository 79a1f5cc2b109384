"""The sample project: real images from installed packages with labels, keywords and readings."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.datasets.sample import DIGITS_PER_CLASS, PHOTOS, SAMPLE_NAME, load_sample_project
from mireru.storage import BlobStore


def test_sample_project_loads_once(db: Session, client: TestClient, settings: Settings) -> None:
    project = load_sample_project(db, BlobStore(settings.blob_dir), settings)
    assert project is not None
    assert load_sample_project(db, BlobStore(settings.blob_dir), settings) is None
    db.flush()

    listed = client.get(f"/api/v1/projects/{project.id}/items?limit=500").json()
    expected = len(PHOTOS) + 2 + 10 * DIGITS_PER_CLASS
    assert listed["total"] == expected
    by_name = {i["filename"]: i for i in listed["items"]}
    astronaut = by_name["astronaut.png"]
    assert astronaut["labels"] == ["person"]
    assert "space suit" in astronaut["keywords"]
    assert set(astronaut["measurements"]) == {"temperature_c", "humidity_pct", "lux", "timestamp"}
    assert by_name["china.jpg"]["media_type"] == "image/jpeg"

    digits = client.get(f"/api/v1/projects/{project.id}/items?keyword=digit&limit=500").json()
    assert digits["total"] == 10 * DIGITS_PER_CLASS
    sevens = client.get(f"/api/v1/projects/{project.id}/items?label=7&limit=500").json()
    assert sevens["total"] == DIGITS_PER_CLASS
    assert all("seven" in i["keywords"] for i in sevens["items"])
    splits = {
        s: client.get(f"/api/v1/projects/{project.id}/items?split={s}").json()["total"]
        for s in ("train", "val", "test")
    }
    assert splits["train"] > splits["val"] > 0
    assert splits["test"] > 0
    assert client.get("/api/v1/projects").json()["projects"][0]["name"] == SAMPLE_NAME


def test_sample_route_is_idempotent(client: TestClient) -> None:
    first = client.post("/api/v1/projects/sample")
    assert first.status_code == 201, first.text
    assert first.json()["name"] == SAMPLE_NAME
    assert first.json()["item_count"] == len(PHOTOS) + 2 + 10 * DIGITS_PER_CLASS
    again = client.post("/api/v1/projects/sample")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
