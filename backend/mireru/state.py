"""What the API process owns for its lifetime: settings, DB sessions, blobs, the job dispatcher."""

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mireru.access.service import UsersExist
from mireru.config import Settings
from mireru.db import make_engine, session_factory
from mireru.jobs.queue import Dispatcher
from mireru.storage import BlobStore


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    dispatcher: Dispatcher
    users_exist: UsersExist = field(default_factory=UsersExist)

    @classmethod
    def build(cls, settings: Settings, database_url: str, redis_url: str) -> "AppState":
        engine = make_engine(database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            blobs=BlobStore(settings.blob_dir),
            dispatcher=Dispatcher(redis_url, settings.job_timeout_s),
        )
