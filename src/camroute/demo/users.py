"""Demo accounts: one user per role with a random password, and two API keys.

The keys: the call generator's (integration) and one for GIS tools (gis_admin: QGIS,
``ogrinfo``).

Created through ``camroute.auth.service`` (argon2-hashed, audited like any other user). No
password is fixed anywhere: each run prints fresh ones.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from camroute.auth.models import Role
from camroute.auth.service import add_user, create_api_key
from camroute.errors import ConflictError
from camroute.settings import Settings

ACTOR = "camroute-demo"
ACTOR_ROLE = "system"
USER_ROLES = tuple(Role)


@dataclass(frozen=True)
class DemoUser:
    """A demo login (the password exists only in this process and on the terminal)."""

    name: str
    role: Role
    password: str


@dataclass(frozen=True)
class DemoKey:
    """A demo API key (sent as ``X-API-Key``; shown only on the terminal)."""

    name: str
    role: Role
    key: str


@dataclass(frozen=True)
class DemoAccounts:
    """Every demo login, the API keys, and the user that closes demo incidents."""

    users: tuple[DemoUser, ...]
    keys: tuple[DemoKey, ...]
    closer: DemoUser

    @property
    def api_key(self) -> str:
        """The integration key the call generator posts calls with."""
        return next(k.key for k in self.keys if k.role is Role.integration)


def _demo_name(role: Role) -> str:
    return "demo-" + role.value.replace("_", "-")


def _add(engine: Engine, settings: Settings, role: Role) -> DemoUser:
    """Add ``demo-<role>``; when a kept database already has it, add a suffixed name."""
    name = _demo_name(role)
    for attempt in range(5):
        candidate = name if attempt == 0 else f"{name}-{secrets.token_hex(2)}"
        try:
            new = add_user(
                engine, settings, name=candidate, role=role, actor=ACTOR, actor_role=ACTOR_ROLE
            )
        except ConflictError:
            continue
        return DemoUser(name=candidate, role=role, password=new.password)
    raise ConflictError(f"could not create a demo user for role {role.value}", field="name")


def _add_key(engine: Engine, base: str, role: Role) -> DemoKey:
    for attempt in range(5):
        name = base if attempt == 0 else f"{base}-{secrets.token_hex(2)}"
        try:
            new = create_api_key(engine, name=name, role=role, actor=ACTOR, actor_role=ACTOR_ROLE)
        except ConflictError:
            continue
        return DemoKey(name=name, role=role, key=new.key)
    raise ConflictError(f"could not create the demo API key {base}", field="name")


def create_accounts(engine: Engine, settings: Settings) -> DemoAccounts:
    """One user per role, with random passwords, and the integration and GIS API keys."""
    users = tuple(_add(engine, settings, role) for role in USER_ROLES)
    closer = next(u for u in users if u.role is Role.supervisor)
    keys = (
        _add_key(engine, "demo-calls", Role.integration),
        _add_key(engine, "demo-gis", Role.gis_admin),
    )
    return DemoAccounts(users=users, keys=keys, closer=closer)


def login_token(base_url: str, user: DemoUser) -> str | None:
    """Log ``user`` in through ``POST /api/auth/login``; None when that fails."""
    try:
        response = httpx.post(
            f"{base_url}/api/auth/login",
            data={"username": user.name, "password": user.password},
            timeout=30.0,
        )
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    token: str | None = response.json().get("access_token")
    return token
