"""The per-process model cache: one load per key, even when callers race; LRU eviction."""

import threading
import time

from mireru.loaded_models import LoadedModels


def test_a_key_loads_once_even_when_callers_race_and_old_keys_are_evicted() -> None:
    cache: LoadedModels[str, object] = LoadedModels(capacity=2)
    loads: list[str] = []

    def loader(key: str) -> object:
        def load() -> object:
            loads.append(key)
            time.sleep(0.05)
            return object()

        return load

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("a", loader("a")))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == ["a"]
    assert all(g is got[0] for g in got)

    cache.get("b", loader("b"))
    cache.get("a", loader("a"))  # a is now the most recently used
    cache.get("c", loader("c"))  # evicts b
    cache.get("b", loader("b"))
    assert loads == ["a", "b", "c", "b"]
