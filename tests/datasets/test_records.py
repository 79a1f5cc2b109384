"""List cells in CSVs: `a;b` for ordinary terms, JSON for terms the separator would split."""

import pytest

from mireru.datasets.records import join_list, split_list


@pytest.mark.parametrize(
    "terms",
    [[], ["cat"], ["cat", "dog"], ["a;b", "c"], ["[draft]"], ["[x]", "y"], ['say "hi"', "orange, striped"]],
)
def test_join_then_split_gives_the_terms_back(terms: list[str]) -> None:
    assert split_list(join_list(terms)) == terms


def test_plain_cells_are_split_on_semicolons() -> None:
    assert split_list(" cat ; dog;;") == ["cat", "dog"]
    assert join_list(["cat", "dog"]) == "cat;dog"  # readable when nothing needs JSON
    assert split_list("[not json;x") == ["[not json", "x"]
