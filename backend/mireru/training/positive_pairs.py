"""Explicit positive pairs folded into single-valued targets.

Two items are positives when they share a target (identity or label) or are joined by a chain of
explicit pairs; the relation is made transitive (if a~b and b~c, then a~c), so pairs merge whole
target groups and give untargeted items a group of their own. The result is again one target per
item, which every metric-learning task and the miner already understand."""

from collections.abc import Iterable, Mapping

MAX_NAME = 200


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key wins, so the result does not depend on the order of the pairs.
            low, high = sorted((ra, rb))
            self.parent[high] = low


def _key(item_id: int, target: str | None) -> str:
    return f"t:{target}" if target is not None else f"i:{item_id:012d}"


def _group_name(targets: list[str], item_ids: list[int]) -> str:
    if not targets:
        return f"pair-group:{min(item_ids)}"
    if len(targets) == 1:
        return targets[0]
    name = f"{targets[0]} (+{len(targets) - 1} joined by positive pairs)"
    return name[:MAX_NAME]


def group_targets(targets: Mapping[int, str | None], pairs: Iterable[tuple[int, int]]) -> dict[int, str]:
    """Each item's group name. `targets` maps every selected item to its target (None when it
    has none); pairs naming an item outside `targets` are ignored. Items with no target and no
    pair are left out of the result. A group keeps its target's name when no pair joined it to
    another target, so a selection without pairs trains exactly as before."""
    uf = _UnionFind()
    paired: set[int] = set()
    for a, b in pairs:
        if a in targets and b in targets:
            uf.union(_key(a, targets[a]), _key(b, targets[b]))
            paired.update((a, b))
    members: dict[str, tuple[set[str], list[int]]] = {}
    for item_id, target in targets.items():
        if target is None and item_id not in paired:
            continue
        names, ids = members.setdefault(uf.find(_key(item_id, target)), (set(), []))
        if target is not None:
            names.add(target)
        ids.append(item_id)
    out: dict[int, str] = {}
    for names, ids in members.values():
        name = _group_name(sorted(names), ids)
        for item_id in ids:
            out[item_id] = name
    return out
