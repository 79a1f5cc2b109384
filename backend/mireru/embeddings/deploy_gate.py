"""The deploy gate's measure for versions that produce embeddings (installed into registry.gate by
mireru.listeners): the candidate against the project's *active embedding space*, which may be a
pretrained space with no model version behind it (the sample's MobileNetV2 space).

Held-out items are the queries, training items (split train or none) the gallery, and a gallery
item is relevant when it has the query's target (the version's `target` parameter: label,
identity, or identity-or-label). Both sides rank exactly the same queries against exactly the same
gallery, scored by Recall@1 (the primary metric, what the training loop monitors) and mAP@R:

- the candidate has no space yet, so its vectors are computed in memory with its model, loaded
  through the process's model cache (the extractor a deployment's space would use);
- the active space's vectors are its stored ones; an item it lacks (an upload still being
  embedded) is embedded in memory with the space's own extractor, so no item is left out of one
  side only.

Bounded by registry.gate's caps: MAX_QUERIES queries and MAX_GALLERY gallery items.
"""

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.embeddings import repository
from mireru.embeddings.evaluate import target_of
from mireru.embeddings.extractors import backbone_spec, query_embedder
from mireru.embeddings.repository import SpaceShape
from mireru.errors import Conflict
from mireru.ml.eval.retrieval import Metric, retrieval_scores  # numpy only
from mireru.models import EmbeddingSpace, ModelVersion, Project
from mireru.registry import gate
from mireru.registry import repository as registry_repo
from mireru.storage import BlobStore

TARGETS = ("label", "identity", "identity_or_label")
# A deployment's space is created with the space default, so the candidate is scored by it too.
CANDIDATE_METRIC: Metric = "cosine"
EMBED_BATCH = 32


def _target(version: ModelVersion) -> str:
    """What makes two items "the same" for this version: what it was trained for."""
    params = version.config.get("params") if isinstance(version.config, dict) else None
    target = params.get("target") if isinstance(params, dict) else None
    return target if target in TARGETS else "identity_or_label"


def _embed(
    spec_args: tuple[str, str, str | None, int | None], settings: Settings, paths: list[tuple[int, str]]
) -> dict[int, np.ndarray]:
    """Vectors of the (item id, file) pairs, in memory; files that fail to decode are left out."""
    from mireru.ml.extract import extract_files

    backbone, model, pretrained, image_size = spec_args
    embedder = query_embedder(
        backbone_spec(backbone, model, pretrained, image_size, settings.blob_dir), settings
    )
    found: dict[int, np.ndarray] = {}

    def sink(keys: list[int], vectors: np.ndarray) -> None:
        for key, vector in zip(keys, vectors, strict=True):
            if np.isfinite(vector).all():
                found[int(key)] = np.asarray(vector, dtype=np.float32)

    # No loader processes: a request must not fork, and the batch is small.
    extract_files(embedder, paths, sink, batch_size=EMBED_BATCH, workers=0)
    return found


def _space_vectors(
    session: Session, settings: Settings, blobs: BlobStore, space: EmbeddingSpace, files: dict[int, str]
) -> dict[int, np.ndarray]:
    ids, matrix = repository.space_vectors(session, SpaceShape.of(space), list(files))
    stored = {item_id: matrix[i] for i, item_id in enumerate(ids)}
    missing = [(item_id, str(blobs.path(sha))) for item_id, sha in files.items() if item_id not in stored]
    if missing:
        spec = (space.backbone, space.model, space.pretrained, space.image_size)
        stored.update(_embed(spec, settings, missing))
    return stored


def _scores(
    vectors: dict[int, np.ndarray],
    queries: Sequence[int],
    gallery: Sequence[int],
    targets: dict[int, int],
    metric: Metric,
) -> tuple[float, float, int]:
    result = retrieval_scores(
        np.stack([vectors[i] for i in queries]),
        [targets[i] for i in queries],
        np.stack([vectors[i] for i in gallery]),
        [targets[i] for i in gallery],
        ks=(1,),
        metric=metric,
        per_class=False,
    )
    return result.recall[1], result.map_at_r, result.queries


def _built_from(space: EmbeddingSpace) -> int | None:
    """The id of the model version the space was built from; None for a pretrained extractor."""
    return int(space.model) if space.backbone == "model_version" and space.model.isdigit() else None


def measure(
    session: Session, settings: Settings, blobs: BlobStore, project: Project, version: ModelVersion
) -> gate.Measurement:
    """Recall@1 and mAP@R of the candidate and of the active space on the same items."""
    space = repository.active_space(session, project.id)
    if space is None:
        raise gate.SkipGate("the project has no active embedding space to compare with")
    if space.status != "ready" or space.dimension is None:
        raise gate.SkipGate(f"the active embedding space {space.id} is {space.status}, not ready")
    if space.backbone == "model_version" and space.model == str(version.id):
        raise gate.SkipGate(
            f"the active embedding space {space.id} is already model version {version.version}'s"
        )
    target = _target(version)
    facts = registry_repo.items_with_labels(
        session, project.id, [*gate.HELD_OUT_SPLITS, *gate.GALLERY_SPLITS]
    )
    named = {i: t for i, f in facts.items() if (t := target_of(f.identity, f.labels, target))}
    in_gallery = [i for i in named if facts[i].split in gate.GALLERY_SPLITS]
    gallery = gate.spread(in_gallery, gate.MAX_GALLERY)
    answerable = {named[i] for i in gallery}
    # Only a query whose target some gallery item shares can be scored: pick among those.
    by_split = {
        split: [i for i in named if facts[i].split == split and named[i] in answerable]
        for split in gate.HELD_OUT_SPLITS
    }
    split, queries = gate.held_out(
        by_split, gate.MAX_QUERIES, f"with a {target.replace('_', ' ')} that a training item shares"
    )
    capped = len(by_split[split]) > len(queries) or len(in_gallery) > len(gallery)
    files = {i: facts[i].sha256 for i in [*queries, *gallery]}
    try:
        candidate = _embed(
            ("model_version", str(version.id), version.file_sha256, None),
            settings,
            [(i, str(blobs.path(sha))) for i, sha in files.items()],
        )
    except Exception as exc:  # the file, its format, the kind's code: the version cannot serve
        raise Conflict(
            f"model version {version.version} could not embed the held-out items to evaluate it: "
            f"{type(exc).__name__}: {exc}",
            model_id=version.id,
        ) from exc
    try:
        deployed = _space_vectors(session, settings, blobs, space, files)
    except Exception as exc:  # a space whose extractor is gone must not block its replacement
        raise gate.SkipGate(
            f"the active space's vectors could not be read or computed ({type(exc).__name__}: {exc})"
        ) from exc
    # Fair: an item either side could not embed is left out of both.
    queries = [i for i in queries if i in candidate and i in deployed]
    gallery = [i for i in gallery if i in candidate and i in deployed]
    if not queries or not gallery:
        raise gate.SkipGate("no held-out or training item could be embedded by both sides")
    classes = {name: n for n, name in enumerate(sorted({named[i] for i in [*queries, *gallery]}))}
    targets = {i: classes[named[i]] for i in [*queries, *gallery]}
    c_recall, c_map, scored = _scores(candidate, queries, gallery, targets, CANDIDATE_METRIC)
    d_recall, d_map, _ = _scores(deployed, queries, gallery, targets, space.metric)  # type: ignore[arg-type]
    if scored == 0:
        raise gate.SkipGate("no held-out item has a relevant training item to retrieve")
    return gate.Measurement(
        figures=[
            gate.Figure("recall@1", "Recall@1", c_recall, d_recall),
            gate.Figure("map@r", "mAP@R", c_map, d_map),
        ],
        split=split,
        held_out_items=scored,
        compared_with=f"the active space '{space.name}'",
        gallery_items=len(gallery),
        deployed_model_version_id=_built_from(space),
        deployed_space_id=space.id,
        capped=capped,
    )
