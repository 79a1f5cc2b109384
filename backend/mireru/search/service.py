"""Search rules: pick the space, turn the query into a vector, search with the filter, and keep
the promise of k rows whenever k items match the filter.

Filtered searches first scan the space's index iteratively (pgvector 0.8 keeps reading the index
until k rows pass the filter, up to hnsw.max_scan_tuples / all IVFFlat lists). When a filter is
so selective that the scan gives up before k rows, the same filter is re-ranked exactly, which is
then cheap precisely because few items match.
"""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.embeddings import repository as spaces_repo
from mireru.embeddings.extractors import backbone_spec, query_embedder
from mireru.embeddings.repository import SpaceShape
from mireru.errors import Conflict, InvalidInput, NotFound, TooManyPixels, UnsupportedMedia
from mireru.items.repository import filter_conditions
from mireru.models import EmbeddingSpace
from mireru.projects.service import get_project
from mireru.search import repository
from mireru.search.schemas import SearchHit, SearchOptions, SearchResponse

DEFAULT_EF_SEARCH = 40


@dataclass(frozen=True)
class Query:
    """Exactly one of these is set."""

    item_id: int | None = None
    vector: list[float] | None = None
    text: str | None = None
    image: bytes | None = None


def pick_space(session: Session, project_id: int, space_id: int | None) -> EmbeddingSpace:
    """The requested space, or the project's active one; it must be ready. (One query when all is
    well; the project is looked up only to tell a missing project from a missing space.)"""
    if space_id is not None:
        space = spaces_repo.get_space(session, project_id, space_id)
        if space is None:
            get_project(session, project_id)
            raise NotFound(f"embedding space {space_id} does not exist in project {project_id}")
    else:
        space = spaces_repo.active_space(session, project_id)
        if space is None:
            get_project(session, project_id)
            building = [s for s in spaces_repo.list_spaces(session, project_id) if s.status != "failed"]
            if building:
                raise Conflict(
                    f"project {project_id} has no active embedding space yet: space {building[0].id} is "
                    f"{building[0].status}; search works once it is ready",
                    space_id=building[0].id,
                    status=building[0].status,
                )
            raise Conflict(
                f"project {project_id} has no embedding space; create one with "
                f"POST /api/v1/projects/{project_id}/spaces"
            )
    if space.status != "ready" or space.dimension is None:
        raise Conflict(
            f"embedding space {space.id} is {space.status}; search it once it is ready",
            space_id=space.id,
            status=space.status,
        )
    return space


def _embed_query(space: EmbeddingSpace, settings: Settings, query: Query) -> np.ndarray:
    spec = backbone_spec(space.backbone, space.model, space.pretrained, space.image_size, settings.blob_dir)
    if query.text is not None:
        embedder = query_embedder(spec, settings)
        if not embedder.has_text:
            raise InvalidInput(
                f"embedding space {space.id} ({space.model}) has no text tower; search it by image, item "
                "or vector",
                field="text",
            )
        vector: np.ndarray = embedder.predict_text([query.text])[0]
        return vector
    assert query.image is not None
    try:
        with Image.open(io.BytesIO(query.image)) as probe:
            width, height = probe.size
    except (UnidentifiedImageError, OSError) as exc:
        raise UnsupportedMedia("the uploaded file is not an image Pillow can read", field="file") from exc
    if width * height > settings.max_image_pixels:
        raise TooManyPixels(f"{width}x{height} is over the limit of {settings.max_image_pixels} pixels")
    try:
        return query_embedder(spec, settings).predict_bytes(query.image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput(f"the uploaded image is corrupt or truncated ({exc})", field="file") from exc


def _self_distance(vector: np.ndarray, metric: str) -> float:
    v = vector.astype(np.float64)
    if metric == "ip":
        return -float(v @ v)
    if metric == "cosine":
        norm = float(v @ v)
        return 0.0 if norm == 0 else 1.0 - float(v @ v) / norm
    return 0.0


def _hit(project_id: int, shape: SpaceShape, hit: repository.Hit) -> SearchHit:
    base = f"/api/v1/projects/{project_id}/items/{hit.item_id}"
    return SearchHit(
        item_id=hit.item_id,
        score=shape.score(hit.distance),
        distance=hit.distance,
        filename=hit.filename,
        thumbnail_url=f"{base}/thumbnail",
        image_url=f"{base}/image",
    )


def search(
    session: Session, settings: Settings, project_id: int, options: SearchOptions, query: Query
) -> SearchResponse:
    space = pick_space(session, project_id, options.space_id)
    shape = SpaceShape.of(space)
    conditions = filter_conditions(project_id, options.filters)
    filtered = conditions if len(conditions) > 1 else []  # [0] is the project, implied by the space
    k = options.k
    exclude: int | None = None
    self_hit: repository.Hit | None = None
    if query.item_id is not None:
        found = spaces_repo.item_vector(session, shape, query.item_id, conditions)
        if found is None:
            if repository.item_exists(session, project_id, query.item_id):
                raise Conflict(
                    f"item {query.item_id} is not embedded in space {space.id} yet; try again shortly"
                )
            raise NotFound(f"item {query.item_id} does not exist in project {project_id}")
        vector, passes = found
        exclude = query.item_id
        if passes and not options.exclude_self:
            filename = repository.item_filename(session, query.item_id) or ""
            self_hit = repository.Hit(query.item_id, _self_distance(vector, space.metric), filename)
            k -= 1
    elif query.vector is not None:
        vector = np.asarray(query.vector, dtype=np.float32)
        if vector.shape != (shape.dimension,) or not np.isfinite(vector).all():
            raise InvalidInput(
                f"vector must have {shape.dimension} finite numbers for space {space.id}, got {len(vector)}",
                field="vector",
            )
    else:
        vector = _embed_query(space, settings, query)

    exact = options.exact or space.index_kind == "exact"
    if not exact:
        ef_search = options.ef_search or int(space.index_params.get("ef_search", DEFAULT_EF_SEARCH))
        probes = options.probes or int(space.index_params.get("probes", 1))
        repository.configure_scan(session, max(ef_search, k), probes, settings.search_max_scan_tuples)
    hits = repository.nearest(session, shape, vector, k, filtered, exclude, exact=exact)
    fallback = False
    if len(hits) < k and not exact:
        hits = repository.nearest(session, shape, vector, k, filtered, exclude, exact=True)
        fallback = True
    if self_hit is not None:
        hits = [self_hit, *hits]
    return SearchResponse(
        results=[_hit(project_id, shape, h) for h in hits],
        space_id=space.id,
        k=options.k,
        strategy="exact" if exact else space.index_kind,
        exact_fallback=fallback,
    )
