"""Every filter combined with the vector query in one statement: results are exactly the
matching items, nearest first, and agree with exact search."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.embeddings.helpers import search
from tests.search.conftest import Photos, photo_annotations

Predicate = Callable[[int], bool]


def _meta(seed: int) -> dict[str, Any]:
    return {"camera": "A" if seed % 2 else "B", "site": f"s{seed % 5}"}


CASES: list[tuple[str, dict[str, Any], Predicate]] = [
    ("label", {"label": "cat"}, lambda s: photo_annotations(s)["labels"] == ["cat"]),
    ("keyword", {"keyword": "red"}, lambda s: "red" in photo_annotations(s)["keywords"]),
    ("identity", {"identity": "id1"}, lambda s: photo_annotations(s)["identity"] == "id1"),
    ("split", {"split": "val"}, lambda s: photo_annotations(s)["split"] == "val"),
    ("metadata", {"metadata": {"camera": "A"}}, lambda s: _meta(s)["camera"] == "A"),
    ("measurement", {"measurements": {"strain": {"gte": 0.5, "lte": 1.5}}}, lambda s: 0.5 <= s / 10 <= 1.5),
    (
        "combined",
        {"label": "dog", "metadata": {"site": "s1"}, "measurements": {"strain": {"lt": 2.0}}},
        lambda s: s % 2 == 1 and s % 5 == 1 and s / 10 < 2.0,
    ),
]


@pytest.mark.parametrize(("name", "filters", "matches"), CASES, ids=[c[0] for c in CASES])
def test_filter(
    photos: Photos, search_client: TestClient, name: str, filters: dict[str, Any], matches: Predicate
) -> None:
    query = photos.items[5]["id"]
    expected = {photos.items[s]["id"] for s in range(24) if matches(s)} - {query}
    body = search(search_client, photos.project_id, item_id=query, k=24, exclude_self=True, filters=filters)
    ids = [r["item_id"] for r in body["results"]]
    assert set(ids) == expected, name  # every match (fewer than k exist), nothing else
    exact = search(
        search_client, photos.project_id, item_id=query, k=24, exclude_self=True, filters=filters, exact=True
    )
    assert ids == [r["item_id"] for r in exact["results"]]


def test_the_query_item_comes_first_only_if_it_passes_the_filter(
    photos: Photos, search_client: TestClient
) -> None:
    cat, dog = photos.items[0]["id"], photos.items[1]["id"]
    assert (
        search(search_client, photos.project_id, item_id=cat, k=3, filters={"label": "cat"})["results"][0][
            "item_id"
        ]
        == cat
    )
    ids = [
        r["item_id"]
        for r in search(search_client, photos.project_id, item_id=dog, k=3, filters={"label": "cat"})[
            "results"
        ]
    ]
    assert dog not in ids
    assert len(ids) == 3


def test_unknown_filter_fields_are_rejected(photos: Photos, search_client: TestClient) -> None:
    response = search_client.post(
        f"/api/v1/projects/{photos.project_id}/search",
        json={"item_id": photos.items[0]["id"], "filters": {"colour": "red"}},
    )
    assert response.status_code == 422
