"""The API process's loaded prediction models. Loading a model file means importing torch and
reading weights (seconds), so each (version, file, device) is loaded once and kept, least
recently used evicted beyond the configured capacity."""

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from mireru.config import get_settings
from mireru.training import kinds


class PredictorCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[int, str, str], Any] = OrderedDict()
        self._loading: dict[tuple[int, str, str], threading.Lock] = {}

    def get(self, version_id: int, kind: str, file_sha256: str, path: Path, device: str) -> Any:
        if device == "auto":
            from mireru.ml.embedder import resolve_device

            device = str(resolve_device(device))
        key = (version_id, file_sha256, device)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._loading.setdefault(key, threading.Lock())
        # One loader per key; other keys load (or answer) meanwhile.
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            predictor = kinds.get_kind(kind).load_inference(path, device)
            with self._lock:
                self._items[key] = predictor
                self._loading.pop(key, None)
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
        return predictor

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@lru_cache(maxsize=1)
def predictor_cache() -> PredictorCache:
    """The process's prediction-model cache (one per API or worker process)."""
    return PredictorCache(get_settings().model_cache_size)
