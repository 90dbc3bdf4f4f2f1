"""Who is calling, and may they: ``current_principal``, ``PrincipalDep``, ``require_roles``.

Credentials, in this order: ``X-API-Key`` (integrations), ``Authorization: Bearer <token>``,
the HttpOnly ``camroute_token`` cookie set by login (the web page). A credential that is
present but bad is a 401 even when another one would have worked. A write authenticated by
the cookie must come from this app's own origin (:mod:`camroute.auth.origin`).

Use on a route or router::

    @router.get("/x", dependencies=[Depends(require_roles(Role.dispatcher, Role.supervisor))])
    def x(principal: PrincipalDep) -> ...: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, OAuth2PasswordBearer

from camroute.api.deps import EngineDep, SettingsDep
from camroute.auth.models import Principal, PrincipalKind, Role
from camroute.auth.origin import refuse_cross_origin
from camroute.auth.service import principal_from_api_key, principal_from_token
from camroute.errors import AuthenticationError, PermissionDeniedError

__all__ = [
    "COOKIE_NAME",
    "Principal",
    "PrincipalDep",
    "PrincipalKind",
    "Role",
    "current_principal",
    "require_roles",
]

COOKIE_NAME = "camroute_token"
LOGIN_PATH = "/api/auth/login"

bearer_scheme = OAuth2PasswordBearer(tokenUrl=LOGIN_PATH, auto_error=False)
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)
cookie_scheme = APIKeyCookie(name=COOKIE_NAME, auto_error=False)


def current_principal(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """The authenticated caller; ``AuthenticationError`` (401) without valid credentials."""
    if api_key:
        return principal_from_api_key(engine, api_key)
    token = bearer or cookie
    if not token:
        raise AuthenticationError("credentials required: log in, or send X-API-Key")
    if not bearer:
        refuse_cross_origin(request)  # the cookie rides along on any site's request
    return principal_from_token(engine, settings, token)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only ``roles``: 401 without credentials, 403 for another role.

    The returned callable carries ``required_roles`` so tests can read a route's roles.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    allowed = frozenset(Role(r) for r in roles)
    names = ", ".join(sorted(r.value for r in allowed))

    def _require(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise PermissionDeniedError(
                f"role {principal.role.value} may not do this; allowed: {names}",
                errors=[{"field": "role", "reason": f"requires one of: {names}"}],
            )
        return principal

    _require.required_roles = allowed  # type: ignore[attr-defined]
    return _require
