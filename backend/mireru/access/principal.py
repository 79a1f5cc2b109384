"""Who is calling, and what role they hold on a project."""

from dataclasses import dataclass

from mireru.access.roles import Role


@dataclass(frozen=True)
class Principal:
    """A caller. Superusers (the admin token, admin users, the open single-user mode) hold every
    role everywhere; an API key holds one role on one project; a user holds their memberships."""

    kind: str  # "open" | "admin_token" | "user" | "api_key"
    name: str
    user_id: int | None = None
    superuser: bool = False
    key_project_id: int | None = None
    key_role: Role | None = None

    @property
    def is_admin(self) -> bool:
        return self.superuser
