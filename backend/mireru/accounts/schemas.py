"""Shapes for sign-in, users, members and API keys."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from mireru.access.roles import RoleName


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    is_admin: bool
    disabled: bool
    created_at: datetime


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=1000)
    is_admin: bool = False


class LoginResult(BaseModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; also set as a cookie")
    expires_at: datetime
    user: UserRead


class ProjectRole(BaseModel):
    project_id: int
    role: RoleName


class Me(BaseModel):
    kind: str = Field(description="open (no admin yet), admin_token, user or api_key")
    name: str
    user_id: int | None
    superuser: bool
    projects: list[ProjectRole] | None = Field(
        description="roles per project; null: every project (superuser)"
    )


class MemberSet(BaseModel):
    role: RoleName


class MemberRead(BaseModel):
    user_id: int
    username: str
    role: RoleName


class ApiKeyCreate(BaseModel):
    role: RoleName
    name: str = Field(min_length=1, max_length=200)


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: RoleName
    prefix: str = Field(description="the first characters of the key, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="the secret: shown once, stored only as a hash")
