"""k rows whenever k items match: iterative index scans first, exact re-ranking when a filter is
so selective that the scan gives up."""

import numpy as np
from fastapi.testclient import TestClient

from tests.embeddings.helpers import search
from tests.search.data import Synthetic, exact_top


def _query(seed: int, dim: int = 16) -> list[float]:
    return [float(v) for v in np.random.default_rng(seed).standard_normal(dim)]


def _ids(body: dict) -> list[int]:  # type: ignore[type-arg]
    return [r["item_id"] for r in body["results"]]


def test_unfiltered_queries_return_k_with_high_recall(
    synthetic: Synthetic, search_client: TestClient
) -> None:
    recalls = []
    for seed in range(10):
        query = _query(seed)
        body = search(search_client, synthetic.project_id, vector=query, k=10)
        assert len(body["results"]) == 10
        assert not body["exact_fallback"]
        recalls.append(len(set(_ids(body)) & set(exact_top(synthetic, np.array(query), None, 10))) / 10)
    assert np.mean(recalls) >= 0.9


def test_a_ten_percent_filter_is_served_by_the_iterative_index_scan(
    synthetic: Synthetic, search_client: TestClient
) -> None:
    for seed in range(5):
        query = _query(100 + seed)
        body = search(search_client, synthetic.project_id, vector=query, k=10, filters={"label": "common"})
        ids = _ids(body)
        assert len(ids) == 10
        assert set(ids) <= synthetic.common
        assert not body["exact_fallback"]  # pgvector kept scanning the index until 10 rows passed
        expected = exact_top(synthetic, np.array(query), synthetic.common, 10)
        assert len(set(ids) & set(expected)) >= 8


def test_a_very_selective_filter_still_returns_k_of_k(
    synthetic: Synthetic, stingy_client: TestClient
) -> None:
    query = _query(7)
    body = search(stingy_client, synthetic.project_id, vector=query, k=5, filters={"label": "rare"})
    assert _ids(body) == exact_top(synthetic, np.array(query), synthetic.rare, 5)
    everything = search(stingy_client, synthetic.project_id, vector=query, k=10, filters={"label": "rare"})
    assert sorted(_ids(everything)) == sorted(synthetic.rare)  # only 8 match: all 8


def test_when_the_index_scan_gives_up_the_filter_is_reranked_exactly(
    synthetic: Synthetic, stingy_client: TestClient
) -> None:
    """The planner cannot see how selective a JSON range is, so it scans the index; after 50
    tuples pgvector stops, fewer than k rows passed, and the filter is re-ranked exactly."""
    query = _query(8)
    filters = {"measurements": {"u": {"lte": 0.004}}}
    body = search(stingy_client, synthetic.project_id, vector=query, k=6, filters=filters)
    assert body["exact_fallback"]
    exact = search(stingy_client, synthetic.project_id, vector=query, k=6, filters=filters, exact=True)
    assert len(body["results"]) == 6
    assert _ids(body) == _ids(exact)


def test_selective_numeric_range(synthetic: Synthetic, search_client: TestClient) -> None:
    body = search(
        search_client,
        synthetic.project_id,
        vector=_query(3),
        k=10,
        filters={"measurements": {"u": {"lte": 0.01}}},
    )
    assert len(body["results"]) == 10
