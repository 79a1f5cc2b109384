"""Rows the word query and search tests arrange directly in the test's transaction."""

import numpy as np
from sqlalchemy.orm import Session

from mireru.models import Deployment, ItemKeywordVector, ModelVersion, WordModel
from mireru.words import repository
from tests.words.vector_files import VECTORS

COUNTS = {"fatigue": 9, "fatigue_crack": 4, "fracture": 4, "crack": 7}


def ready_word_model(
    db: Session, project_id: int, vectors: dict[str, list[float]] | None = None, active: bool = True
) -> WordModel:
    """A ready word model holding `vectors` (VECTORS by default), stored unit length as a job
    stores them; no vector index (queries then compare exactly)."""
    table = vectors or VECTORS
    dimension = len(next(iter(table.values())))
    model = WordModel(
        project_id=project_id,
        name="hand-made",
        source="imported",
        dimension=dimension,
        status="ready",
        params={},
        stats={"words": len(table)},
        is_active=active,
    )
    db.add(model)
    db.flush()
    records = [
        (word, np.asarray(v, dtype=np.float32) / np.linalg.norm(v), COUNTS.get(word, 1))
        for word, v in table.items()
    ]
    repository.write_words(db, model.id, project_id, records)
    db.flush()
    return model


def deployed_keywords_version(db: Session, project_id: int) -> ModelVersion:
    """A keywords model version deployed in the project's "keywords" slot (its file is not
    needed: search reads only its stored output vectors)."""
    version = ModelVersion(
        project_id=project_id,
        version=1,
        kind="keywords",
        produces="prediction",
        base_model="tiny",
        config={},
        metrics={},
        file_sha256="0" * 64,
        size_bytes=0,
    )
    db.add(version)
    db.flush()
    db.add(Deployment(project_id=project_id, slot="keywords", model_version_id=version.id, status="live"))
    db.flush()
    return version


def output_vectors(db: Session, version: ModelVersion, item_id: int, vectors: list[list[float]]) -> None:
    for slot, vector in enumerate(vectors):
        v = np.asarray(vector, dtype=np.float32)
        db.add(
            ItemKeywordVector(
                model_version_id=version.id,
                item_id=item_id,
                slot=slot,
                project_id=version.project_id,
                vector=v / np.linalg.norm(v),
                norm=float(np.linalg.norm(v)),
            )
        )
    db.flush()
