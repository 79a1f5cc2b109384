"""Models loaded in this process. Loading means importing torch and reading weights (seconds),
so each key is loaded once — concurrent callers of the same key wait for that one load while
other keys load or answer — and kept, the least recently used evicted beyond `capacity`.

`models_in_process()` is the one cache of a process: feature extractors (search, embedding jobs)
and prediction models share it and its bound, `MIRERU_MODEL_CACHE_SIZE`, so memory is bounded by
one number however the load is split. Keys start with what they are ("extractor", "predictor").
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any, Generic, TypeVar

from mireru.config import get_settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LoadedModels(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        self._loading: dict[K, threading.Lock] = {}

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                model = load()
            finally:
                with self._lock:
                    self._loading.pop(key, None)
            with self._lock:
                self._items[key] = model
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
        return model

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@lru_cache(maxsize=1)
def models_in_process() -> LoadedModels[Hashable, Any]:
    """The process's one model cache (API, worker or CLI), sized from the settings on first use."""
    return LoadedModels(get_settings().model_cache_size)
