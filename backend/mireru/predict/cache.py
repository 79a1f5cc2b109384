"""The process's loaded prediction models, by (model version, its file, device)."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from mireru import kinds
from mireru.config import get_settings
from mireru.loaded_models import LoadedModels


@lru_cache(maxsize=1)
def predictor_cache() -> LoadedModels[tuple[int, str, str], Any]:
    """One per API or worker process."""
    return LoadedModels(get_settings().model_cache_size)


def loaded_predictor(version_id: int, kind: str, file_sha256: str, path: Path, device: str) -> Any:
    """A version's predictor on `device` ("auto": the GPU when there is one), loaded once."""
    if device == "auto":
        from mireru.ml.embedder import resolve_device

        device = str(resolve_device(device))
    return predictor_cache().get(
        (version_id, file_sha256, device), lambda: kinds.get_kind(kind).load_inference(path, device)
    )
