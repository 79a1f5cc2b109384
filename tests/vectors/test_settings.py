"""Index scan settings hold for the transaction that set them, and only for it."""

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from mireru.vectors.settings import configure_scan

NAMES = (
    "hnsw.ef_search",
    "hnsw.iterative_scan",
    "hnsw.max_scan_tuples",
    "ivfflat.probes",
    "ivfflat.iterative_scan",
)


def _current(session: Session) -> dict[str, str]:
    return {
        name: session.execute(text("SELECT current_setting(:n)"), {"n": name}).scalar_one() for name in NAMES
    }


def test_settings_are_local_to_the_transaction(engine: Engine) -> None:
    with Session(engine) as session:
        session.execute(text("SELECT '[1]'::vector"))  # loads pgvector, which defines the settings
        defaults = _current(session)
        configure_scan(session, ef_search=123, probes=7, max_scan_tuples=5000, iterative=True)
        assert _current(session) == {
            "hnsw.ef_search": "123",
            "hnsw.iterative_scan": "relaxed_order",
            "hnsw.max_scan_tuples": "5000",
            "ivfflat.probes": "7",
            "ivfflat.iterative_scan": "relaxed_order",
        }
        session.commit()
        assert _current(session) == defaults


def test_only_the_given_settings_change(engine: Engine) -> None:
    with Session(engine) as session:
        session.execute(text("SELECT '[1]'::vector"))
        defaults = _current(session)
        configure_scan(session)  # nothing asked: nothing sent
        configure_scan(session, ef_search=200)
        assert _current(session) == {**defaults, "hnsw.ef_search": "200"}
        session.rollback()
