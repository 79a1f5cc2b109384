"""The registry of model kinds. A kind is a module in this package that defines
`SPEC = KindSpec(...)`; adding `triplet.py`, `classifier.py`, `detector.py` or `keywords.py` here is
all it takes for the API to list it, validate its parameters and train it."""

import importlib
import pkgutil
from functools import lru_cache

from mireru.errors import InvalidInput
from mireru.kinds.base import CommonParams, KindSpec, TrainingData

__all__ = ["CommonParams", "KindSpec", "TrainingData", "all_kinds", "get_kind"]

_NOT_KINDS = {"base"}


@lru_cache(maxsize=1)
def _registry() -> dict[str, KindSpec]:
    specs: dict[str, KindSpec] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_KINDS:
            continue
        spec = getattr(importlib.import_module(f"{__name__}.{info.name}"), "SPEC", None)
        if isinstance(spec, KindSpec):
            specs[spec.kind] = spec
    return dict(sorted(specs.items()))


def all_kinds() -> list[KindSpec]:
    return list(_registry().values())


def get_kind(kind: str) -> KindSpec:
    spec = _registry().get(kind)
    if spec is None:
        known = ", ".join(_registry()) or "none"
        raise InvalidInput(f"unknown model kind {kind!r}; known kinds: {known}", field="kind")
    return spec
