"""HTTP routes for sign-in, users, project members and API keys."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from mireru.access import repository, service
from mireru.access.roles import Role
from mireru.accounts.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    LoginRequest,
    LoginResult,
    Me,
    MemberRead,
    MemberSet,
    ProjectRole,
    UserCreate,
    UserRead,
)
from mireru.deps import MAX_DB_ID, SESSION_COOKIE, CurrentPrincipal, DbId, SessionDep
from mireru.projects.service import get_project

public_router = APIRouter(tags=["access"])
router = APIRouter(tags=["access"])

UserId = Annotated[int, Path(ge=1, le=MAX_DB_ID)]


@public_router.post("/auth/login", response_model=LoginResult, summary="Sign in")
def login(data: LoginRequest, session: SessionDep, request: Request, response: Response) -> LoginResult:
    """Exchange a username and password for a session token (also set as an HttpOnly cookie)."""
    token, auth, user = service.sign_in(session, data.username, data.password)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
    )
    return LoginResult(token=token, expires_at=auth.expires_at, user=UserRead.model_validate(user))


@router.post("/auth/logout", status_code=204, summary="Sign out")
def logout(session: SessionDep, request: Request) -> Response:
    """End this browser session."""
    header = request.headers.get("authorization", "")
    token = header.partition(" ")[2].strip() or request.cookies.get(SESSION_COOKIE, "")
    if token:
        service.sign_out(session, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/auth/me", response_model=Me, summary="Who am I")
def me(session: SessionDep, principal: CurrentPrincipal) -> Me:
    """The caller and their role on each project they can see."""
    visible = service.visible_projects(session, principal)
    roles = None
    if visible is not None:
        roles = []
        for project_id in visible:
            role = service.role_in(session, principal, project_id)
            if role is not None:
                roles.append(ProjectRole(project_id=project_id, role=role.name))
    return Me(
        kind=principal.kind,
        name=principal.name,
        user_id=principal.user_id,
        superuser=principal.superuser,
        projects=roles,
    )


@router.get("/users", response_model=list[UserRead], summary="List users")
def list_users(session: SessionDep) -> list[UserRead]:
    """Every account (administrators only)."""
    return [UserRead.model_validate(u) for u in repository.list_users(session)]


@router.post("/users", response_model=UserRead, status_code=201, summary="Create a user")
def create_user(data: UserCreate, session: SessionDep) -> UserRead:
    """Add an account; give it roles on projects with PUT .../members/{user_id}."""
    return UserRead.model_validate(service.create_user(session, data.username, data.password, data.is_admin))


@router.get("/projects/{project_id}/members", response_model=list[MemberRead], summary="List members")
def list_members(project_id: DbId, session: SessionDep) -> list[MemberRead]:
    """Users with a role on this project."""
    project = get_project(session, project_id)
    return [
        MemberRead(user_id=u.id, username=u.username, role=m.role)
        for m, u in repository.members(session, project.id)
    ]


@router.put(
    "/projects/{project_id}/members/{user_id}", response_model=MemberRead, summary="Set a member's role"
)
def set_member(project_id: DbId, user_id: UserId, data: MemberSet, session: SessionDep) -> MemberRead:
    """Give a user a role on this project (viewer, annotator, trainer or admin)."""
    project = get_project(session, project_id)
    member = service.set_member(session, project, user_id, Role.parse(data.role))
    user = repository.get_user(session, member.user_id)
    assert user is not None
    return MemberRead(user_id=user.id, username=user.username, role=data.role)


@router.delete("/projects/{project_id}/members/{user_id}", status_code=204, summary="Remove a member")
def remove_member(project_id: DbId, user_id: UserId, session: SessionDep) -> Response:
    """Take away a user's role on this project."""
    service.remove_member(session, get_project(session, project_id), user_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/api-keys",
    response_model=ApiKeyCreated,
    status_code=201,
    summary="Create an API key",
)
def create_api_key(
    project_id: DbId, data: ApiKeyCreate, session: SessionDep, principal: CurrentPrincipal
) -> ApiKeyCreated:
    """A key for an integrating system, scoped to this project and one role. The secret `key` is
    shown only in this answer; it is stored as a hash."""
    project = get_project(session, project_id)
    key, secret = service.create_key(session, principal, project, data.name, Role.parse(data.role))
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=secret)


@router.get("/projects/{project_id}/api-keys", response_model=list[ApiKeyRead], summary="List API keys")
def list_api_keys(project_id: DbId, session: SessionDep) -> list[ApiKeyRead]:
    """The project's keys, without their secrets."""
    project = get_project(session, project_id)
    return [ApiKeyRead.model_validate(k) for k in repository.keys_of(session, project.id)]


@router.delete("/projects/{project_id}/api-keys/{key_id}", status_code=204, summary="Revoke an API key")
def revoke_api_key(project_id: DbId, key_id: DbId, session: SessionDep) -> Response:
    """The key stops working at once."""
    service.revoke_key(session, get_project(session, project_id), key_id)
    return Response(status_code=204)
