"""Engine and sessions. A request gets one session: committed on success, rolled back on error.

Work that must only happen once data is durable (enqueueing jobs, deleting orphaned blobs) is
registered with `after_commit` / `after_rollback` and run by whoever ends the transaction.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

Hook = Callable[[], None]


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL per process (workers and the API each own theirs)."""
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def after_commit(session: Session, hook: Hook) -> None:
    session.info.setdefault("after_commit", []).append(hook)


def after_rollback(session: Session, hook: Hook) -> None:
    session.info.setdefault("after_rollback", []).append(hook)


def _run_hooks(session: Session, key: str) -> None:
    hooks: list[Hook] = session.info.pop(key, [])
    session.info.pop("after_rollback" if key == "after_commit" else "after_commit", None)
    for hook in hooks:
        hook()


def finish(session: Session, ok: bool) -> None:
    """End the unit of work: commit (then run commit hooks) or roll back (then rollback hooks)."""
    if ok:
        try:
            session.commit()
        except BaseException:
            session.rollback()
            _run_hooks(session, "after_rollback")
            raise
        _run_hooks(session, "after_commit")
    else:
        session.rollback()
        _run_hooks(session, "after_rollback")


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for jobs and CLI commands, with the same commit/rollback rules as a request."""
    session = factory()
    try:
        yield session
    except BaseException:
        finish(session, ok=False)
        raise
    else:
        finish(session, ok=True)
    finally:
        session.close()
