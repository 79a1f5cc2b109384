"""Annotated dependencies that keep route signatures short."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from mireru.access import repository as access_repo
from mireru.access import service as access
from mireru.access.policy import rule_for
from mireru.access.principal import Principal
from mireru.access.routes import api_routes
from mireru.config import Settings
from mireru.db import finish
from mireru.errors import Forbidden, NotFound, Unauthorized
from mireru.jobs.queue import Dispatcher
from mireru.state import AppState
from mireru.storage import BlobStore

MAX_DB_ID = 2_147_483_647

# Every numeric id in a path: out-of-range ids are a 422, not a database error.
DbId = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="a positive id")]


# Dependencies that only read app state are `async def`: FastAPI runs a plain `def` dependency in
# a worker thread, and those hops add up on every request.


async def get_state(request: Request) -> AppState:
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


async def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


async def get_blobs(state: StateDep) -> BlobStore:
    return state.blobs


async def get_dispatcher(state: StateDep) -> Dispatcher:
    return state.dispatcher


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


SESSION_COOKIE = "mireru_session"


def _credential(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise Unauthorized("malformed Authorization header: send 'Authorization: Bearer <token>'")
        return given.strip()
    return request.cookies.get(SESSION_COOKIE)


def get_principal(request: Request, session: SessionDep, state: StateDep) -> Principal:
    """The caller, from a bearer token (admin token, API key, session token) or the session cookie."""
    settings = state.settings
    token = _credential(request)
    if token is None:
        return access.anonymous(session, settings.admin_token, state.users_exist)
    return access.principal_for_token(session, token, settings.admin_token)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def _path_int(request: Request, name: str) -> int | None:
    raw = request.path_params.get(name)
    try:
        return None if raw is None else int(raw)
    except ValueError:
        return None  # the route's own validation answers 422


def _route_template(request: Request) -> str:
    """The matched route's full path template, e.g. /api/v1/projects/{project_id}/items.
    scope["route"] is the route as its own router declared it (without prefixes), so the endpoint
    is looked up among the app's mounted routes instead (built once per app)."""
    endpoint = request.scope.get("endpoint")
    templates: dict[tuple[int, str], str] | None = getattr(request.app.state, "route_templates", None)
    if templates is None:
        templates = {(id(endpoint), m): path for m, path, endpoint in api_routes(request.app)}
        request.app.state.route_templates = templates
    method = "GET" if request.method == "HEAD" else request.method
    return templates.get((id(endpoint), method), request.url.path)


def authorize(request: Request, session: SessionDep, principal: CurrentPrincipal) -> None:
    """Apply the access policy (mireru.access.policy) to the matched route."""
    rule, _ = rule_for(request.method, _route_template(request))
    if rule.scope in ("public", "signed_in"):
        return
    if rule.scope == "creator":
        if principal.kind == "api_key":
            raise Forbidden("API keys are scoped to one project and cannot create projects")
        return
    if rule.scope == "superuser":
        if not principal.superuser:
            raise Forbidden("only administrators may do this")
        return
    if rule.scope == "job":
        job_id = str(request.path_params.get("job_id", ""))
        exists, project_id = access_repo.job_project(session, job_id)
        if exists and (project_id is None and principal.superuser):
            return
        if not exists or project_id is None or access.role_in(session, principal, project_id) is None:
            raise NotFound(f"job {job_id!r} does not exist")
        return
    project_id = _path_int(request, "project_id")
    if project_id is None:
        return
    role = access.role_in(session, principal, project_id)
    if role is None:
        raise NotFound(f"project {project_id} does not exist")
    assert rule.role is not None
    if role < rule.role:
        raise Forbidden(f"this needs the {rule.role.name} role on project {project_id}; you are {role.name}")
