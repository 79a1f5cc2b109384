"""The process's loaded prediction models, by (model version, its file, device), in the one
model cache of the process (mireru.loaded_models), which feature extractors share."""

from pathlib import Path
from typing import Any

from mireru import kinds
from mireru.loaded_models import models_in_process


def loaded_predictor(version_id: int, kind: str, file_sha256: str, path: Path, device: str) -> Any:
    """A version's predictor on `device` ("auto": the GPU when there is one), loaded once."""
    if device == "auto":
        from mireru.ml.embedder import resolve_device

        device = str(resolve_device(device))
    return models_in_process().get(
        ("predictor", version_id, file_sha256, device),
        lambda: kinds.get_kind(kind).load_inference(path, device),
    )
