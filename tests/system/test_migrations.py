"""The migrations build exactly the schema the ORM classes describe, so a model change without
its migration (or the reverse) fails here rather than in a user's database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from mireru.embeddings.repository import INDEX_PREFIX as SPACE_INDEX_PREFIX
from mireru.models import Base
from mireru.words.repository import INDEX_PREFIX as WORDS_INDEX_PREFIX

# Indexes made outside the ORM on purpose: the words prefix index (text_pattern_ops, migration
# 0005) and the per-space / per-word-model vector indexes that jobs create and drop.
OUTSIDE_THE_ORM = ("ix_words_word_model_id_prefix", SPACE_INDEX_PREFIX, WORDS_INDEX_PREFIX)


def _ignored(diff: object) -> bool:
    if isinstance(diff, tuple) and diff[0] == "remove_index":
        return str(diff[1].name or "").startswith(OUTSIDE_THE_ORM)
    return False


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, Base.metadata) if not _ignored(d)]
    assert diffs == []
