"""Roles, the authenticated principal and the auth API schemas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    """What a user or API key may do; routes name the roles they admit."""

    dispatcher = "dispatcher"
    supervisor = "supervisor"
    gis_admin = "gis_admin"
    auditor = "auditor"
    integration = "integration"


PrincipalKind = Literal["user", "apikey"]


class Principal(BaseModel):
    """Who is calling: a user (password login) or an API key (integrations)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    kind: PrincipalKind
    # A user's login-session epoch from their token (None for API keys): what the user is
    # granted in this session (live tickets) ends with it.
    session_epoch: int | None = None


class UserRead(BaseModel):
    """A user as listed to administrators; never the password hash."""

    name: str
    role: Role
    disabled: bool
    created_at: datetime


class ApiKeyRead(BaseModel):
    """An API key as listed; only the first characters of the key, never its hash."""

    name: str
    role: Role
    prefix: str
    disabled: bool
    created_at: datetime


class NewUser(BaseModel):
    """A user just created, with the password to hand over (shown once)."""

    user: UserRead
    password: str
    generated: bool


class NewApiKey(BaseModel):
    """An API key just created; ``key`` is shown once and stored only hashed."""

    api_key: ApiKeyRead
    key: str


class TokenRead(BaseModel):
    """The answer to a successful login."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    role: Role
    expires_at: datetime


class MeRead(BaseModel):
    """The caller as the server sees it."""

    name: str
    role: Role
    kind: PrincipalKind
