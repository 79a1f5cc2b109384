"""Grouping targets by explicit positive pairs, on hand-made inputs."""

from mireru.training.positive_pairs import group_targets


def test_without_pairs_every_item_keeps_its_target() -> None:
    targets: dict[int, str | None] = {1: "a", 2: "a", 3: "b", 4: None}
    assert group_targets(targets, []) == {1: "a", 2: "a", 3: "b"}


def test_pairs_are_transitive_and_merge_whole_targets() -> None:
    targets: dict[int, str | None] = {1: "a", 2: "a", 3: "b", 4: "c", 5: None, 6: None, 7: None}
    groups = group_targets(targets, [(2, 3), (5, 1), (6, 7)])
    assert groups[1] == groups[2] == groups[3] == groups[5] == "a (+1 joined by positive pairs)"
    assert groups[4] == "c"
    assert groups[6] == groups[7] == "pair-group:6"


def test_the_result_does_not_depend_on_pair_order_and_ignores_unknown_items() -> None:
    targets: dict[int, str | None] = {1: "x", 2: "y", 3: "z", 4: None}
    forward = group_targets(targets, [(1, 2), (2, 3), (3, 4), (4, 99)])
    backward = group_targets(targets, [(4, 99), (3, 4), (2, 3), (1, 2)])
    assert forward == backward
    assert set(forward.values()) == {"x (+2 joined by positive pairs)"}
