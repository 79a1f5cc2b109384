"""Every query on word models, their words, and item keyword vectors, and the model-shaped calls
into `mireru.vectors` (binary COPY, per-model index DDL and sweeps).

Like embedding spaces, all word models share the `words` table; a model's vectors are compared as
`words.vector::vector(<dimension>)` with the literal predicate `word_model_id = <id>`, which is
exactly the expression and predicate of its partial HNSW index.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Text,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from mireru.models import Item, ItemKeyword, ItemKeywordVector, Job, Word, WordModel
from mireru.vectors import copy as vector_copy
from mireru.vectors import ddl as vector_ddl
from mireru.vectors import settings as vector_settings
from mireru.vectors import sweep as vector_sweep

INDEX_PREFIX = "words_model_"
# One HNSW index per model, built once when the model becomes ready: no versions, no IVFFlat.
INDEXES = vector_ddl.IndexFamily("words", "word_model_id", INDEX_PREFIX, kinds=("hnsw",))
_WORD_COLUMNS = ("word_model_id", "project_id", "word", "count", "vector")

Record = tuple[str, np.ndarray, int]


@dataclass(frozen=True)
class WordSpace:
    """What SQL needs of a ready word model: its id and the dimension its vectors are cast to."""

    id: int
    dimension: int

    @classmethod
    def of(cls, model: WordModel) -> "WordSpace":
        if model.dimension is None:
            raise ValueError(f"word model {model.id} has no dimension yet")
        return cls(model.id, model.dimension)

    def distance(self) -> ColumnElement[float]:
        """Cosine distance between the model's words and the bind parameter `query_vector`."""
        kind = VECTOR(self.dimension)
        query = cast(bindparam("query_vector", type_=kind), kind)
        return cast(Word.vector, kind).op("<=>", return_type=Float)(query)

    def same_model(self) -> ColumnElement[bool]:
        """A literal id, so even a generic plan proves the partial index."""
        return Word.word_model_id == bindparam("word_model_id", self.id, literal_execute=True)


# --- word models ----------------------------------------------------------------------------------


def get_model(session: Session, project_id: int, model_id: int) -> WordModel | None:
    stmt = select(WordModel).where(WordModel.project_id == project_id, WordModel.id == model_id)
    return session.scalars(stmt).first()


def get_model_by_id(session: Session, model_id: int, lock: bool = False) -> WordModel | None:
    stmt = select(WordModel).where(WordModel.id == model_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def list_models(session: Session, project_id: int) -> list[WordModel]:
    stmt = select(WordModel).where(WordModel.project_id == project_id).order_by(WordModel.id)
    return list(session.scalars(stmt))


def active_model(session: Session, project_id: int) -> WordModel | None:
    stmt = select(WordModel).where(WordModel.project_id == project_id, WordModel.is_active)
    return session.scalars(stmt).first()


def add_model(session: Session, model: WordModel) -> WordModel:
    session.add(model)
    session.flush()
    return model


def delete_model(session: Session, model: WordModel) -> None:
    session.delete(model)
    session.flush()


def make_active(session: Session, model: WordModel) -> None:
    """Switch the project's active word model in this transaction (the unique index allows one)."""
    session.execute(
        update(WordModel)
        .where(WordModel.project_id == model.project_id, WordModel.id != model.id, WordModel.is_active)
        .values(is_active=False)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    model.is_active = True
    session.flush()


def blob_in_use(session: Session, digest: str, except_model: int) -> bool:
    """Another word model (or an item) still refers to this uploaded file."""
    by_model = exists().where(
        WordModel.id != except_model,
        or_(
            WordModel.params["file_sha256"].astext == digest,
            WordModel.params["corpus_sha256"].astext == digest,
        ),
    )
    by_item = exists().where(Item.sha256 == digest)
    return bool(session.scalar(select(by_model | by_item)))


def jobs_state(session: Session, job_ids: list[str]) -> dict[str, tuple[str, dict[str, Any], str | None]]:
    """(status, progress, error) of jobs by id."""
    if not job_ids:
        return {}
    rows = session.execute(select(Job.id, Job.status, Job.progress, Job.error).where(Job.id.in_(job_ids)))
    return {job_id: (status, progress, error) for job_id, status, progress, error in rows}


# --- the corpus -----------------------------------------------------------------------------------


def has_text(session: Session, project_id: int) -> bool:
    """The project has something to train on: item text, a keyword or a metadata value."""
    any_text = exists().where(
        Item.project_id == project_id,
        or_(Item.text.is_not(None), Item.meta != {}),
    )
    any_keyword = exists().where(ItemKeyword.project_id == project_id)
    return bool(session.scalar(select(any_text | any_keyword)))


def item_texts(
    session: Session, project_id: int, after_id: int, limit: int
) -> list[tuple[int, list[str], dict[str, Any], str | None]]:
    """(item id, keywords, metadata, text) of items after `after_id`, in id order."""
    keywords = func.array_remove(func.array_agg(ItemKeyword.keyword), None)
    stmt = (
        select(Item.id, keywords, Item.meta, Item.text)
        .outerjoin(ItemKeyword, ItemKeyword.item_id == Item.id)
        .where(Item.project_id == project_id, Item.id > after_id)
        .group_by(Item.id)
        .order_by(Item.id)
        .limit(limit)
    )
    return [(int(i), list(kw or []), meta or {}, txt) for i, kw, meta, txt in session.execute(stmt)]


# --- words ----------------------------------------------------------------------------------------


def copy_payload(model_id: int, project_id: int, records: Sequence[Record]) -> bytes:
    """PostgreSQL binary COPY rows (word_model_id, project_id, word, count, vector)."""
    owner = (vector_copy.int4(model_id), vector_copy.int4(project_id))
    rows = (
        vector_copy.row(*owner, vector_copy.text(word), vector_copy.int8(count), vector_copy.vector(vector))
        for word, vector, count in records
    )
    return vector_copy.payload(rows)


def write_words(session: Session, model_id: int, project_id: int, records: Sequence[Record]) -> int:
    """Append words (unit vectors, distinct words) to a model with one binary COPY."""
    if not records:
        return 0
    vector_copy.copy_in(session, "words", _WORD_COLUMNS, copy_payload(model_id, project_id, records))
    return len(records)


def delete_words(session: Session, model_id: int) -> None:
    session.execute(delete(Word).where(Word.word_model_id == model_id))


def count_words(session: Session, model_id: int) -> int:
    return session.scalar(select(func.count()).where(Word.word_model_id == model_id)) or 0


def _as_array(value: Any) -> np.ndarray:
    array = value.to_numpy() if hasattr(value, "to_numpy") else np.asarray(value, dtype=np.float32)
    return np.asarray(array, dtype=np.float32)


def fetch_vectors(session: Session, model_id: int, words: Sequence[str]) -> dict[str, np.ndarray]:
    """The vectors of those of `words` that are in the model's vocabulary."""
    if not words:
        return {}
    stmt = select(Word.word, Word.vector).where(
        Word.word_model_id == model_id, Word.word == func.any(bindparam("words", type_=ARRAY(Text)))
    )
    rows = session.execute(stmt, {"words": list(dict.fromkeys(words))})
    return {word: _as_array(vector) for word, vector in rows}


def configure_scan(session: Session, ef_search: int) -> None:
    """HNSW candidate list for this transaction (SET LOCAL): at least k, or k rows cannot come."""
    vector_settings.configure_scan(session, ef_search=ef_search)


def nearest_words(
    session: Session, space: WordSpace, vector: np.ndarray, k: int
) -> list[tuple[str, float, int]]:
    """(word, cosine distance, count) of the k words nearest to a vector, best first."""
    distance = space.distance()
    stmt = (
        select(Word.word, distance.label("distance"), Word.count)
        .where(space.same_model())
        .order_by(distance)
        .limit(bindparam("k"))
    )
    rows = session.execute(stmt, {"query_vector": vector, "k": k})
    return [(str(w), float(d), int(c)) for w, d, c in rows]


def words_with_prefix(session: Session, model_id: int, prefix: str, limit: int) -> list[tuple[str, int]]:
    """(word, count) of words starting with `prefix`, most frequent first."""
    stmt = select(Word.word, Word.count).where(Word.word_model_id == model_id)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Word.word.like(f"{escaped}%", escape="\\"))
    stmt = stmt.order_by(Word.count.desc(), Word.word).limit(limit)
    return [(str(w), int(c)) for w, c in session.execute(stmt)]


# --- per-model vector indexes ---------------------------------------------------------------------


def index_name(model_id: int) -> str:
    return INDEXES.name(model_id, "hnsw")


def index_ddl(space: WordSpace, m: int = 16, ef_construction: int = 64) -> str | None:
    """CREATE INDEX CONCURRENTLY on the model's cast expression, partial on its id (None when
    the dimension is over pgvector's index limit: such models are searched exactly)."""
    column = vector_ddl.VectorColumn("vector", "vector", int(space.dimension), "cosine")
    if not column.indexable:
        return None
    params = {"m": m, "ef_construction": ef_construction}
    name = index_name(space.id)
    return vector_ddl.index_ddl(INDEXES, space.id, column, name, "hnsw", params, if_not_exists=True)


def build_index(conn: Connection, ddl: str, name: str, memory: str) -> None:
    """Run an index build on an autocommit connection; a failed build leaves no invalid index."""
    vector_ddl.build_index(conn, ddl, name, memory, analyze=("words",))


def drop_index(conn: Connection, name: str | None) -> None:
    """Drop without blocking queries or writes (on an autocommit connection)."""
    vector_ddl.drop_index(conn, name)


def drop_orphaned_indexes(conn: Connection) -> list[str]:
    """Drop word indexes whose model was deleted (by itself or with its project)."""
    return vector_sweep.drop_orphaned_indexes(conn, INDEXES, WordModel.id)


# --- item keywords and keyword vectors ------------------------------------------------------------


def project_keywords(session: Session, project_id: int, limit: int) -> list[str]:
    """The project's distinct keywords, most used first."""
    stmt = (
        select(ItemKeyword.keyword)
        .where(ItemKeyword.project_id == project_id)
        .group_by(ItemKeyword.keyword)
        .order_by(func.count().desc(), ItemKeyword.keyword)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def items_by_keyword_scores(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    scores: dict[str, float],
    k: int,
) -> list[tuple[int, float, str]]:
    """(item id, best score among its keywords, filename) of items having any scored keyword
    and passing `conditions` (conditions on Item), best first."""
    if not scores:
        return []
    scored = (
        func.unnest(bindparam("keywords", type_=ARRAY(Text)), bindparam("scores", type_=ARRAY(Float)))
        .table_valued("keyword", "score")
        .render_derived(name="s", with_types=False)
    )
    best = func.max(scored.c.score).label("score")
    stmt = (
        select(Item.id, best, Item.filename)
        .join(ItemKeyword, ItemKeyword.item_id == Item.id)
        .join(scored, scored.c.keyword == ItemKeyword.keyword)
        .where(*conditions)
        .group_by(Item.id)
        .order_by(best.desc(), Item.id)
        .limit(k)
    )
    params = {"keywords": list(scores), "scores": [float(s) for s in scores.values()]}
    return [(int(i), float(s), str(f)) for i, s, f in session.execute(stmt, params)]


def keyword_vector_dimension(session: Session, model_version_id: int) -> int | None:
    """The dimension of a version's stored output vectors (None: none stored yet)."""
    stmt = (
        select(func.vector_dims(ItemKeywordVector.vector))
        .where(ItemKeywordVector.model_version_id == model_version_id)
        .limit(1)
    )
    found = session.scalar(stmt)
    return None if found is None else int(found)


def items_by_output_vectors(
    session: Session,
    model_version_id: int,
    dimension: int,
    queries: np.ndarray,
    conditions: Sequence[ColumnElement[bool]],
    k: int,
) -> list[tuple[int, float, str]]:
    """(item id, best cosine similarity, filename): each item scored by its output vector nearest
    to any query vector, best first. Exact: every stored vector of the version is compared."""
    kind = VECTOR(dimension)
    column = cast(ItemKeywordVector.vector, kind)
    sims = [
        1.0 - column.op("<=>", return_type=Float)(cast(bindparam(f"q{i}", type_=kind), kind))
        for i in range(len(queries))
    ]
    similarity = sims[0] if len(sims) == 1 else func.greatest(*sims)
    hits = (
        select(ItemKeywordVector.item_id.label("item_id"), func.max(similarity).label("score"))
        .join(Item, Item.id == ItemKeywordVector.item_id)
        .where(ItemKeywordVector.model_version_id == model_version_id, *conditions)
        .group_by(ItemKeywordVector.item_id)
        .cte("hits")
    )
    stmt = (
        select(hits.c.item_id, hits.c.score, Item.filename)
        .join(Item, Item.id == hits.c.item_id)
        .order_by(hits.c.score.desc(), hits.c.item_id)
        .limit(k)
    )
    params = {f"q{i}": q for i, q in enumerate(queries)}
    return [(int(i), float(s), str(f)) for i, s, f in session.execute(stmt, params)]


def count_items(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).where(Item.project_id == project_id)) or 0


def item_images(
    session: Session, project_id: int, after_id: int, limit: int, only: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """(item id, image sha256) of the project's items after `after_id` (of `only`, if given), in
    id order."""
    conds = [Item.project_id == project_id, Item.id > after_id]
    if only is not None:
        conds.append(Item.id.in_(list(only)))
    stmt = select(Item.id, Item.sha256).where(*conds).order_by(Item.id).limit(limit)
    return [(int(i), str(sha)) for i, sha in session.execute(stmt)]


def delete_keyword_vectors(session: Session, project_id: int, model_version_id: int | None) -> int:
    """Remove a version's rows (None: every version's) of a project."""
    stmt = delete(ItemKeywordVector).where(ItemKeywordVector.project_id == project_id)
    if model_version_id is not None:
        stmt = stmt.where(ItemKeywordVector.model_version_id == model_version_id)
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def delete_other_versions(session: Session, project_id: int, model_version_id: int) -> int:
    stmt = delete(ItemKeywordVector).where(
        ItemKeywordVector.project_id == project_id, ItemKeywordVector.model_version_id != model_version_id
    )
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def write_keyword_vectors(
    session: Session,
    project_id: int,
    model_version_id: int,
    rows: Sequence[tuple[int, int, np.ndarray, float]],
) -> int:
    """Store (item id, slot, unit vector, norm) rows of a version; items deleted meanwhile are
    skipped."""
    if not rows:
        return 0
    live = set(
        session.scalars(
            select(Item.id).where(Item.project_id == project_id, Item.id.in_({r[0] for r in rows}))
        )
    )
    values = [
        {
            "model_version_id": model_version_id,
            "item_id": item_id,
            "slot": slot,
            "project_id": project_id,
            "vector": vector,
            "norm": norm,
        }
        for item_id, slot, vector, norm in rows
        if item_id in live
    ]
    if values:
        session.execute(insert(ItemKeywordVector), values)
    return len(values)


def count_keyword_vectors(session: Session, model_version_id: int) -> int:
    stmt = select(func.count()).where(ItemKeywordVector.model_version_id == model_version_id)
    return session.scalar(stmt) or 0
