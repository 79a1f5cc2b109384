"""Models loaded in this process. Loading means importing torch and reading weights (seconds),
so each key is loaded once — concurrent callers of the same key wait for that one load while
other keys load or answer — and kept, the least recently used evicted beyond `capacity`."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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
