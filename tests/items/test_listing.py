"""Listing items: pagination and every filter, alone and combined."""

import json

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.images import image_bytes


@pytest.fixture
def project(client: TestClient) -> int:
    """Six items with varied metadata, readings and annotations."""
    pid = int(client.post("/api/v1/projects", json={"name": "Listing"}).json()["id"])
    crack = {"labels": ["crack"], "identity": "pier-1"}
    specs = [
        # (metadata, measurements, text, annotations)
        (
            {"camera": "A"},
            {"strain": 0.1},
            "north span",
            {**crack, "keywords": ["rust", "hairline"], "split": "train"},
        ),
        ({"camera": "A"}, {"strain": 0.5}, "south span", {**crack, "keywords": ["hairline"], "split": "val"}),
        ({"camera": "B"}, {"strain": 0.9}, "deck", {"labels": ["spalling"], "split": "train"}),
        (
            {"camera": "B", "night": True},
            {"strain": 1.4, "temperature": 3},
            "deck underside",
            {"labels": ["ok"]},
        ),
        ({"camera": "C"}, {}, None, None),
        ({}, {"temperature": 20}, None, None),
    ]
    for i, (meta, readings, text, ann) in enumerate(specs):
        data = {"metadata": json.dumps(meta), "measurements": json.dumps(readings)}
        if text:
            data["text"] = text
        item = client.post(
            f"/api/v1/projects/{pid}/items",
            files=[("files", (f"i{i}.png", image_bytes(16, 16, seed=100 + i), "image/png"))],
            data=data,
        ).json()["items"][0]
        if ann:
            r = client.put(f"/api/v1/projects/{pid}/items/{item['id']}/annotations", json=ann)
            assert r.status_code == 200, r.text
    return pid


def _names(client: TestClient, pid: int, query: str) -> list[str]:
    response = client.get(f"/api/v1/projects/{pid}/items?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [i["filename"] for i in body["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["i0.png", "i1.png", "i2.png", "i3.png", "i4.png", "i5.png"]),
        ("label=crack", ["i0.png", "i1.png"]),
        ("keyword=rust", ["i0.png"]),
        ("keyword=hairline", ["i0.png", "i1.png"]),
        ("identity=pier-1", ["i0.png", "i1.png"]),
        ("split=train", ["i0.png", "i2.png"]),
        ("annotated=true", ["i0.png", "i1.png", "i2.png", "i3.png"]),
        ("annotated=false", ["i4.png", "i5.png"]),
        ("metadata=camera:B", ["i2.png", "i3.png"]),
        ("metadata=night:true", ["i3.png"]),
        ("measurement=strain:0.4:1.0", ["i1.png", "i2.png"]),
        ("measurement=strain:1:", ["i3.png"]),
        ("measurement=strain::0.5", ["i0.png", "i1.png"]),
        ("measurement=temperature:0:", ["i3.png", "i5.png"]),
        ("text=SPAN", ["i0.png", "i1.png"]),
        ("label=crack&split=val&measurement=strain:0.2:", ["i1.png"]),
    ],
)
def test_filters(client: TestClient, project: int, query: str, expected: list[str]) -> None:
    assert _names(client, project, query) == expected


def test_pagination(client: TestClient, project: int) -> None:
    page1 = client.get(f"/api/v1/projects/{project}/items?limit=4&offset=0").json()
    page2 = client.get(f"/api/v1/projects/{project}/items?limit=4&offset=4").json()
    assert page1["total"] == page2["total"] == 6
    assert len(page1["items"]) == 4
    assert len(page2["items"]) == 2
    ids = [i["id"] for i in page1["items"] + page2["items"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("measurement=strain", "must look like key:min:max"),
        ("measurement=strain:a:b", "bounds must be numbers"),
        ("measurement=strain::", "bounds must be numbers and at least one given"),
        ("metadata=camera", "must look like key:value"),
        ("metadata=camera:A&metadata=camera:B", "given twice"),
        ("split=holdout", "split"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
    ],
)
def test_bad_filters_are_422(client: TestClient, project: int, query: str, words: str) -> None:
    response = client.get(f"/api/v1/projects/{project}/items?{query}")
    assert response.status_code == 422, response.text
    assert words in response.json()["error"]["message"]
