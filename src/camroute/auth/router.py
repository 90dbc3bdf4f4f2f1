"""Login, logout and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from camroute.api.deps import EngineDep, SettingsDep
from camroute.auth import service
from camroute.auth.deps import (
    COOKIE_NAME,
    PrincipalDep,
    bearer_scheme,
    cookie_scheme,
    require_roles,
)
from camroute.auth.gate import HashSlots
from camroute.auth.models import MeRead, Role, TokenRead
from camroute.auth.origin import refuse_cross_origin
from camroute.errors import AuthenticationError
from camroute.settings import Settings

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


@router.post("/login", response_model=TokenRead)
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
) -> TokenRead:
    """Exchange username and password for a token (also set as an HttpOnly cookie).

    Failed passwords lock the user name (and, more slowly, the client address) for a while:
    429 ``login_throttled`` with ``Retry-After``, even for the right password.
    """
    client = request.client.host if request.client else None
    slots: HashSlots = request.app.state.login_hash_slots
    async with slots.slot():  # waits here, holding no worker thread
        token = await run_in_threadpool(
            service.login,
            engine,
            settings,
            username=form.username,
            password=form.password,
            client=client,
            guard=request.app.state.login_guard,
        )
    response.set_cookie(
        COOKIE_NAME,
        token.access_token,
        max_age=settings.token_ttl_s,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )
    response.headers["Cache-Control"] = "no-store"
    return token


@router.post("/logout", status_code=204)
def logout(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Response:
    """End the caller's sessions (every token of that user) and live views; clear the cookie."""
    token = bearer or cookie
    if token and not bearer:
        refuse_cross_origin(request)  # another site may not log the user out
    if token:
        try:
            principal = service.principal_from_token(engine, settings, token)
        except AuthenticationError:
            principal = None
        if principal is not None:
            service.end_sessions(engine, principal)
            # Their live views end too: a new login starts with every view slot free.
            bus = getattr(request.app.state, "events", None)
            service.user_ended(engine, principal.name, because="logout", bus=bus)
    response = Response(status_code=204)
    response.delete_cookie(
        COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request, settings)
    )
    return response


@router.get("/me", response_model=MeRead, dependencies=[Depends(require_roles(*Role))])
def me(principal: PrincipalDep) -> MeRead:
    """The authenticated caller: name, role and kind (user or API key)."""
    return MeRead(name=principal.name, role=principal.role, kind=principal.kind)
