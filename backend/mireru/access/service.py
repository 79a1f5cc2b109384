"""Access rules: who a credential belongs to, what role they hold, and managing users and keys."""

import math
import secrets
import time
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy.orm import Session

from mireru.access import repository
from mireru.access.principal import Principal
from mireru.access.roles import Role
from mireru.access.secrets import (
    API_KEY_PREFIX,
    SESSION_PREFIX,
    check_password,
    hash_password,
    new_token,
    token_hash,
)
from mireru.errors import Conflict, InvalidInput, NotFound, Unauthorized
from mireru.models import ApiKey, AuthSession, Project, ProjectMember, User

SESSION_LIFETIME = timedelta(days=7)
OPEN = Principal(kind="open", name="local user", superuser=True)


def principal_for_token(session: Session, token: str, admin_token: str | None) -> Principal:
    """Resolve a bearer token or session cookie; raises 401 with a reason when it is not valid."""
    now = datetime.now(UTC)
    if admin_token is not None and secrets.compare_digest(token.encode(), admin_token.encode()):
        return Principal(kind="admin_token", name="admin", superuser=True)
    if token.startswith(API_KEY_PREFIX):
        key = repository.key_by_hash(session, token_hash(token))
        if key is None or key.revoked_at is not None:
            raise Unauthorized("this API key is unknown or revoked")
        repository.touch_key(session, key.id, now)
        return Principal(
            kind="api_key",
            name=f"key:{key.name}",
            key_project_id=key.project_id,
            key_role=Role.parse(key.role),
        )
    if token.startswith(SESSION_PREFIX):
        auth = repository.session_by_hash(session, token_hash(token))
        if auth is None or auth.expires_at < now:
            raise Unauthorized("the session has expired; sign in again")
        user = repository.get_user(session, auth.user_id)
        if user is None or user.disabled:
            raise Unauthorized("this account is disabled")
        return Principal(kind="user", name=user.username, user_id=user.id, superuser=user.is_admin)
    raise Unauthorized("invalid bearer token")


class UsersExist:
    """Whether any account exists, asked of the database at most every few seconds: once one
    exists the answer never changes back (accounts are not deleted), and a first admin created
    by the CLI is noticed within OPEN_MODE_RECHECK_S."""

    def __init__(self) -> None:
        self.known = False
        self.checked_at = -math.inf

    def __call__(self, session: Session) -> bool:
        now = time.monotonic()
        if not self.known and now - self.checked_at >= OPEN_MODE_RECHECK_S:
            self.known = repository.any_user(session)
            self.checked_at = now
        return self.known


OPEN_MODE_RECHECK_S = 2.0


def anonymous(session: Session, admin_token: str | None, users_exist: UsersExist) -> Principal:
    """No credential: the open single-user mode until an admin exists, else 401."""
    if admin_token is None and not users_exist(session):
        return OPEN
    raise Unauthorized("sign in or send 'Authorization: Bearer <token or API key>'")


def role_in(session: Session, principal: Principal, project_id: int) -> Role | None:
    if principal.superuser:
        return Role.admin
    if principal.kind == "api_key":
        return principal.key_role if principal.key_project_id == project_id else None
    if principal.user_id is None:
        return None
    member = repository.membership(session, project_id, principal.user_id)
    return None if member is None else Role.parse(member.role)


def visible_projects(session: Session, principal: Principal) -> list[int] | None:
    """Project ids the principal may see; None means all of them."""
    if principal.superuser:
        return None
    if principal.kind == "api_key":
        return [principal.key_project_id] if principal.key_project_id is not None else []
    return [] if principal.user_id is None else repository.member_projects(session, principal.user_id)


def on_project_created(session: Session, principal: Principal, project: Project) -> None:
    """The creator administers what they created."""
    if principal.user_id is not None:
        repository.add(session, ProjectMember(project_id=project.id, user_id=principal.user_id, role="admin"))


# --- users and sessions ---------------------------------------------------------------------------


def create_user(session: Session, username: str, password: str, is_admin: bool) -> User:
    if repository.user_by_name(session, username) is not None:
        raise Conflict(f"a user named {username!r} already exists")
    if len(password) < 8:
        raise InvalidInput("passwords need at least 8 characters")
    user = User(username=username, password_hash=hash_password(password), is_admin=is_admin)
    repository.add(session, user)
    return user


@cache
def _placeholder_hash() -> str:
    return hash_password(secrets.token_hex(16))


def sign_in(session: Session, username: str, password: str) -> tuple[str, AuthSession, User]:
    user = repository.user_by_name(session, username)
    # Check a password even for unknown users so timing does not reveal which names exist.
    stored = user.password_hash if user is not None else _placeholder_hash()
    if not check_password(password, stored) or user is None or user.disabled:
        raise Unauthorized("wrong username or password")
    token = new_token(SESSION_PREFIX)
    auth = AuthSession(
        user_id=user.id, token_hash=token_hash(token), expires_at=datetime.now(UTC) + SESSION_LIFETIME
    )
    repository.add(session, auth)
    return token, auth, user


def sign_out(session: Session, token: str) -> None:
    repository.delete_session(session, token_hash(token))


def set_member(session: Session, project: Project, user_id: int, role: Role) -> ProjectMember:
    if repository.get_user(session, user_id) is None:
        raise NotFound(f"user {user_id} does not exist")
    member = repository.membership(session, project.id, user_id)
    if member is None:
        member = ProjectMember(project_id=project.id, user_id=user_id, role=role.name)
        repository.add(session, member)
    else:
        member.role = role.name
        session.flush()
    return member


def remove_member(session: Session, project: Project, user_id: int) -> None:
    if repository.remove_member(session, project.id, user_id) == 0:
        raise NotFound(f"user {user_id} is not a member of project {project.id}")


# --- API keys -----------------------------------------------------------------------------------


def create_key(
    session: Session, principal: Principal, project: Project, name: str, role: Role
) -> tuple[ApiKey, str]:
    """A new key for the project; the secret is returned once and only its hash is kept."""
    secret = new_token(API_KEY_PREFIX)
    key = ApiKey(
        project_id=project.id,
        name=name,
        role=role.name,
        prefix=secret[:12],
        key_hash=token_hash(secret),
        created_by=principal.user_id,
    )
    repository.add(session, key)
    return key, secret


def revoke_key(session: Session, project: Project, key_id: int) -> None:
    key = repository.get_key(session, project.id, key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound(f"API key {key_id} does not exist in project {project.id}")
    key.revoked_at = datetime.now(UTC)
    session.flush()
