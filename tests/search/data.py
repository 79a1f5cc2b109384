"""Synthetic spaces: items with random vectors written straight into a space (no images), and
the brute-force reference ranking."""

import uuid
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from mireru.config import Settings
from mireru.db import unit_of_work
from mireru.embeddings import building
from mireru.embeddings import repository as spaces_repo
from mireru.models import EmbeddingSpace, Item, ItemLabel, LabelClass, Project


@dataclass(frozen=True)
class Synthetic:
    project_id: int
    space_id: int
    item_ids: list[int]
    vectors: np.ndarray  # row i is item_ids[i]'s vector
    rare: set[int]  # 8 items labelled "rare"
    common: set[int]  # ~10% labelled "common"


def seed_synthetic(settings: Settings, engine: Engine, n: int = 3000, dim: int = 16) -> Synthetic:
    """Items with random vectors written straight into a ready HNSW space (no images needed)."""
    rng = np.random.default_rng(7)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(sessions) as session:
        project = Project(name=f"synthetic-{uuid.uuid4().hex[:8]}", description="")
        session.add(project)
        session.flush()
        items = [
            Item(
                project_id=project.id,
                sha256=f"{i:064x}",
                thumb_sha256=f"{i:064x}",
                filename=f"v{i}.jpg",
                media_type="image/jpeg",
                width=8,
                height=8,
                size_bytes=1,
                meta={"row": i},
                measurements={"u": float(rng.uniform())},
            )
            for i in range(n)
        ]
        session.add_all(items)
        session.flush()
        ids = [item.id for item in items]
        rare = set(rng.choice(ids, size=8, replace=False).tolist())
        common = {i for i in ids if rng.uniform() < 0.1} - rare
        classes = {name: LabelClass(project_id=project.id, name=name) for name in ("rare", "common")}
        session.add_all(classes.values())
        session.flush()
        for name, members in (("rare", rare), ("common", common)):
            cid, pid = classes[name].id, project.id
            session.add_all([ItemLabel(item_id=i, label_class_id=cid, project_id=pid) for i in members])
        space = EmbeddingSpace(
            project_id=project.id,
            name="synthetic",
            backbone="torchvision",
            model="mobilenet_v2",
            dimension=dim,
            metric="cosine",
            storage="vector",
            index_kind="hnsw",
            index_params={"m": 16, "ef_construction": 64, "ef_search": 40},
            index_version=0,
            status="indexing",
            is_active=True,
            activate_when_ready=False,
        )
        session.add(space)
        session.flush()
        vectors = rng.standard_normal((n, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        spaces_repo.write_vectors(session, spaces_repo.SpaceShape.of(space), ids, vectors)
        project_id, space_id = project.id, space.id
    with engine.connect() as conn:
        conn.execute(text("ANALYZE items"))  # planner statistics as autovacuum would leave them
        conn.commit()
    building.build_index(sessions, settings, space_id, None, lambda done, total, message: None)
    return Synthetic(project_id, space_id, ids, vectors, rare, common)


def exact_top(data: Synthetic, query: np.ndarray, allowed: set[int] | None, k: int) -> list[int]:
    """Reference: brute-force cosine ranking in numpy."""
    scores = data.vectors @ (query / np.linalg.norm(query))
    order = np.argsort(-scores, kind="stable")
    ranked = [data.item_ids[i] for i in order if allowed is None or data.item_ids[i] in allowed]
    return ranked[:k]
