"""The per-process model cache: one load per key, even when callers race; LRU eviction."""

import threading
import time

from mireru.config import Settings
from mireru.embeddings.extractors import query_embedder
from mireru.loaded_models import LoadedModels, models_in_process
from mireru.ml.backbones import BackboneSpec


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


def test_extractors_and_predictors_share_the_one_process_cache(settings: Settings) -> None:
    """Two loads of the same extractor give one object; prediction models live in the same cache
    (one bound for both), so loading them can evict an extractor."""
    cache = models_in_process()
    cache.clear()
    spec = BackboneSpec("torchvision", "mobilenet_v2", None, image_size=32)
    first = query_embedder(spec, settings)
    assert query_embedder(spec, settings) is first
    assert models_in_process() is cache

    predictors = [object() for _ in range(cache.capacity)]
    for i, predictor in enumerate(predictors):
        assert cache.get(("predictor", i, "sha", "cpu"), lambda p=predictor: p) is predictor
    assert query_embedder(spec, settings) is not first  # evicted by the predictors, loaded again
    cache.clear()
