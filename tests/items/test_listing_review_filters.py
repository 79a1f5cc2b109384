"""Listing filters for review work: items with suggestions waiting, crops, crops of one image."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mireru.items import repository
from mireru.items.schemas import ItemFilter
from mireru.models import Item, Suggestion
from tests.fixtures.images import image_bytes


@dataclass(frozen=True)
class Arranged:
    project_id: int
    ids: dict[str, int]


def _upload(client: TestClient, pid: int, name: str, seed: int) -> int:
    files = [("files", (f"{name}.png", image_bytes(16, 16, seed=seed), "image/png"))]
    return int(client.post(f"/api/v1/projects/{pid}/items", files=files).json()["items"][0]["id"])


def _suggest(db: Session, pid: int, item_id: int, status: str, kind: str = "label") -> None:
    db.add(Suggestion(project_id=pid, item_id=item_id, kind=kind, value="bolt", score=0.7, status=status))


@pytest.fixture
def arranged(client: TestClient, db: Session) -> Arranged:
    """Two source images, three crops (two of `plate`, one of `beam`) and suggestions in each state:
    `plate` and `crop-a` have a pending one, `beam` only decided ones, `crop-b` and `loose` none."""
    pid = int(client.post("/api/v1/projects", json={"name": "Review filters"}).json()["id"])
    names = ["plate", "beam", "crop-a", "crop-b", "crop-c", "loose"]
    ids = {name: _upload(client, pid, name, seed=700 + i) for i, name in enumerate(names)}
    for crop, source in (("crop-a", "plate"), ("crop-b", "plate"), ("crop-c", "beam")):
        item = db.get(Item, ids[crop])
        assert item is not None
        item.source_item_id = ids[source]
        item.source_box = {
            "x": 1.0,
            "y": 2.0,
            "w": 8.0,
            "h": 8.0,
            "label": "bolt",
            "score": 0.9,
            "model_id": 1,
        }
    _suggest(db, pid, ids["plate"], "pending")
    _suggest(db, pid, ids["plate"], "rejected", kind="box")
    _suggest(db, pid, ids["beam"], "accepted")
    _suggest(db, pid, ids["beam"], "rejected")
    _suggest(db, pid, ids["crop-a"], "pending", kind="keyword")
    _suggest(db, pid, ids["crop-a"], "pending")
    db.flush()
    return Arranged(pid, ids)


def _names(client: TestClient, pid: int, query: str) -> list[str]:
    response = client.get(f"/api/v1/projects/{pid}/items?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [i["filename"].removesuffix(".png") for i in body["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pending_suggestions=true", ["plate", "crop-a"]),
        ("pending_suggestions=false", ["beam", "crop-b", "crop-c", "loose"]),
        ("crop=true", ["crop-a", "crop-b", "crop-c"]),
        ("crop=false", ["plate", "beam", "loose"]),
        ("crop=true&pending_suggestions=false", ["crop-b", "crop-c"]),
    ],
)
def test_review_filters(client: TestClient, arranged: Arranged, query: str, expected: list[str]) -> None:
    assert _names(client, arranged.project_id, query) == expected


def test_crops_of_one_source_item(client: TestClient, arranged: Arranged) -> None:
    pid, ids = arranged.project_id, arranged.ids
    assert _names(client, pid, f"source_item_id={ids['plate']}") == ["crop-a", "crop-b"]
    assert _names(client, pid, f"source_item_id={ids['beam']}") == ["crop-c"]
    assert _names(client, pid, f"source_item_id={ids['loose']}") == []
    assert _names(client, pid, f"source_item_id={ids['plate']}&pending_suggestions=true") == ["crop-a"]
    # The item page steps through a crop strip like any other filtered listing.
    crop_b = client.get(
        f"/api/v1/projects/{pid}/items/{ids['crop-b']}/neighbours?source_item_id={ids['plate']}"
    )
    assert crop_b.json() == {"previous": ids["crop-a"], "next": None, "index": 1, "total": 2}


def test_a_crop_stays_a_crop_when_its_source_is_deleted(
    client: TestClient, db: Session, arranged: Arranged
) -> None:
    pid, ids = arranged.project_id, arranged.ids
    assert client.delete(f"/api/v1/projects/{pid}/items/{ids['beam']}").status_code == 204
    crop_c = client.get(f"/api/v1/projects/{pid}/items/{ids['crop-c']}").json()
    assert crop_c["source_item_id"] is None
    assert crop_c["source_box"]["label"] == "bolt"
    assert _names(client, pid, "crop=true") == ["crop-a", "crop-b", "crop-c"]
    assert _names(client, pid, "crop=false") == ["plate", "loose"]


def test_the_json_filter_selects_the_same_items(db: Session, arranged: Arranged) -> None:
    """Search, training and batch prediction take the filter as JSON and share its SQL."""
    f = ItemFilter.model_validate({"pending_suggestions": True, "crop": True})
    rows = db.scalars(repository.select_filtered(arranged.project_id, f).order_by(Item.id)).all()
    assert [r.id for r in rows] == [arranged.ids["crop-a"]]
    f = ItemFilter.model_validate({"source_item_id": arranged.ids["plate"]})
    rows = db.scalars(repository.select_filtered(arranged.project_id, f).order_by(Item.id)).all()
    assert [r.id for r in rows] == [arranged.ids["crop-a"], arranged.ids["crop-b"]]


def test_a_decided_suggestion_is_no_longer_pending(
    client: TestClient, db: Session, arranged: Arranged
) -> None:
    pid, ids = arranged.project_id, arranged.ids
    stmt = select(Suggestion).where(Suggestion.item_id == ids["plate"], Suggestion.status == "pending")
    [pending] = db.scalars(stmt).all()
    reviewed = client.post(f"/api/v1/projects/{pid}/suggestions/review", json={"reject": [pending.id]})
    assert reviewed.status_code == 200, reviewed.text
    assert _names(client, pid, "pending_suggestions=true") == ["crop-a"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("pending_suggestions=maybe", "pending_suggestions"),
        ("crop=sometimes", "crop"),
        ("source_item_id=0", "source_item_id"),
        ("source_item_id=abc", "source_item_id"),
        ("source_item_id=99999999999", "source_item_id"),
    ],
)
def test_bad_review_filters_are_422(client: TestClient, arranged: Arranged, query: str, words: str) -> None:
    response = client.get(f"/api/v1/projects/{arranged.project_id}/items?{query}")
    assert response.status_code == 422, response.text
    assert words in response.text
