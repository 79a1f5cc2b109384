"""Annotated dependencies that keep route signatures short."""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from mireru.config import Settings
from mireru.db import finish
from mireru.errors import Unauthorized
from mireru.state import AppState
from mireru.storage import BlobStore
from mireru.worker.queues import Dispatcher

MAX_DB_ID = 2_147_483_647

# Every numeric id in a path: out-of-range ids are a 422, not a database error.
DbId = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="a positive id")]


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.mireru
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """One session per request: committed before the response is sent, rolled back on error."""
    session = state.sessions()
    try:
        yield session
    except BaseException:
        finish(session, ok=False)
        raise
    else:
        finish(session, ok=True)
    finally:
        session.close()


# scope="function": the commit happens before the response leaves, so a 2xx means durable.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


def get_blobs(state: StateDep) -> BlobStore:
    return state.blobs


def get_dispatcher(state: StateDep) -> Dispatcher:
    return state.dispatcher


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


@dataclass(frozen=True)
class Principal:
    """Who is calling. Until per-project roles land, every principal is an admin."""

    name: str
    is_admin: bool = True


def get_principal(request: Request, settings: SettingsDep) -> Principal:
    token = settings.admin_token
    if token is None:
        return Principal(name="anonymous")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    if not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("invalid bearer token")
    return Principal(name="admin")


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
