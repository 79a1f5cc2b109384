"""What the keyword-vectors job does: run a deployed keywords model over every item of its
project and store each item's output vectors (those above the model's norm threshold) in
`item_keyword_vectors`, which searching images by words compares against.

Rows are written a batch per transaction (a crash loses one batch); the version's old rows are
removed first and, at the end, the rows of versions no longer deployed. Items uploaded later get
rows when the version is deployed again.
"""

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageOps
from sqlalchemy.orm import Session, sessionmaker

from mireru.config import Settings
from mireru.db import unit_of_work
from mireru.models import ModelVersion
from mireru.storage import BlobStore
from mireru.words import repository

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
IMAGE_BATCH = 32
MAX_LISTED_FAILURES = 100


def _device(settings: Settings) -> str:
    from mireru.ml.embedder import resolve_device

    return str(resolve_device(settings.embed_device))


def _open(blobs: BlobStore, sha256: str) -> Image.Image | None:
    try:
        with Image.open(blobs.path(sha256)) as image:
            return ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError, SyntaxError):
        return None


def _rows(item_ids: list[int], outputs: list[np.ndarray]) -> list[tuple[int, int, np.ndarray, float]]:
    rows = []
    for item_id, vectors in zip(item_ids, outputs, strict=True):
        if len(vectors) == 0:  # nothing above the model's threshold for this image
            continue
        for slot, vector in enumerate(np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)):
            norm = float(np.linalg.norm(vector))
            if np.isfinite(norm) and norm > 0:
                rows.append((item_id, slot, vector / norm, norm))
    return rows


def fill(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    settings: Settings,
    project_id: int,
    model_version_id: int,
    progress: Progress,
    item_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Every item's vectors (a deploy), or only `item_ids`' (items uploaded after the deploy)."""
    from mireru import kinds
    from mireru.registry.service import deployed_version

    with unit_of_work(sessions) as session:
        version = session.get(ModelVersion, model_version_id)
        if version is None or version.project_id != project_id:
            return {"skipped": f"model version {model_version_id} was deleted"}
        kind, digest = version.kind, version.file_sha256
        if item_ids is None:
            total = repository.count_items(session, project_id)
            repository.delete_keyword_vectors(session, project_id, model_version_id)
        else:
            total = len(item_ids)
    progress(0, total, f"loading keywords model {model_version_id}")
    predictor = kinds.get_kind(kind).load_inference(blobs.path(digest), _device(settings))
    done = stored = 0
    failed: list[int] = []
    after = 0
    while True:
        with unit_of_work(sessions) as session:
            batch = repository.item_images(session, project_id, after, IMAGE_BATCH, item_ids)
        if not batch:
            break
        after = batch[-1][0]
        opened = [(item_id, _open(blobs, sha)) for item_id, sha in batch]
        failed.extend(item_id for item_id, image in opened if image is None)
        good = [(item_id, image) for item_id, image in opened if image is not None]
        if good:
            outputs = predictor.output_vectors([image for _, image in good])
            rows = _rows([item_id for item_id, _ in good], outputs)
            with unit_of_work(sessions) as session:
                stored += repository.write_keyword_vectors(session, project_id, model_version_id, rows)
        done += len(batch)
        progress(done, max(total, done), "computing keyword vectors")
    with unit_of_work(sessions) as session:
        current = deployed_version(session, project_id, "keywords")
        if item_ids is not None and current is not None and current.id == model_version_id:
            removed = 0
        elif current is not None and current.id == model_version_id:
            removed = repository.delete_other_versions(session, project_id, model_version_id)
        else:  # another version was deployed meanwhile: its own job fills its rows
            removed = repository.delete_keyword_vectors(session, project_id, model_version_id)
    return {
        "model_version_id": model_version_id,
        "items": done,
        "vectors": stored,
        "removed": removed,
        "failed": len(failed),
        "failed_items": failed[:MAX_LISTED_FAILURES],
    }
