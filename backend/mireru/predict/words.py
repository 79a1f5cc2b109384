"""Keywords from a keywords model: its output vectors above the model's norm threshold, each
matched against the project's active word model in PostgreSQL (so the vocabulary can grow, and
words never used as labels can be suggested, without retraining)."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.models import ModelVersion
from mireru.predict import service
from mireru.predict.schemas import KeywordScore, KeywordsResponse
from mireru.storage import BlobStore
from mireru.words.queries import nearest_words_for_vectors


def keywords_for_images(
    session: Session, project_id: int, model: Any, images: Sequence[Image.Image], words_per_output: int = 1
) -> list[list[KeywordScore]]:
    """Per image, its keywords best first; a word found by several outputs keeps its best score."""
    outputs: list[np.ndarray] = model.output_vectors(list(images))
    answers = []
    for vectors in outputs:
        best: dict[str, float] = {}
        if len(vectors):
            _, found = nearest_words_for_vectors(session, project_id, np.asarray(vectors), words_per_output)
            for words in found:
                for scored in words:
                    best[scored.word] = max(best.get(scored.word, -1.0), scored.score)
        ranked = sorted(best.items(), key=lambda pair: -pair[1])
        answers.append([KeywordScore(word=word, score=score) for word, score in ranked])
    return answers


def predict_keywords(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    version: ModelVersion,
    source: service.Source,
    words_per_output: int,
) -> KeywordsResponse:
    model = service.predictor(blobs, version, settings.query_device)
    (keywords,) = keywords_for_images(session, version.project_id, model, [source.image], words_per_output)
    return KeywordsResponse(
        model=service.used(version), item_id=source.item.id if source.item else None, keywords=keywords
    )
