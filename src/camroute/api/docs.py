"""The API docs (Swagger UI at ``/docs``, ReDoc at ``/redoc``) served from the app's own origin.

FastAPI's default pages load their scripts, styles and favicon from public CDNs, so on a
call centre's closed network they stay blank. The ``fastapi-offline`` package ships the same
bundles (MIT); they are mounted at ``/static/apidocs`` and the pages point there. Like the
dispatcher page, nothing the docs load comes from another origin, and a same-origin
Content-Security-Policy keeps it so: ReDoc's sidebar draws its vendor's logo from the vendor's
CDN, which the policy blocks (the logo hides itself when it fails to load).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/static/apidocs"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# Swagger UI's default ``validatorUrl`` sends the spec's address to a public validator and
# shows its badge: a request off the origin. ``None`` turns it off.
SWAGGER_PARAMETERS = {"validatorUrl": None}

INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


def docs_security_policy(body: str) -> str:
    """A same-origin CSP admitting exactly the inline scripts of ``body`` (by hash).

    Both viewers inject their styles at run time (inline styles); ReDoc builds its search
    index in a worker started from a ``blob:`` URL.

    Examples
    --------
    >>> csp = docs_security_policy("<script>go()</script>")
    >>> "script-src 'self' 'sha256-" in csp and "default-src 'self'" in csp
    True
    >>> "'sha256-" in docs_security_policy("<script src='/a.js'></script>")
    False
    """
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in INLINE_SCRIPT.findall(body)
    )
    return (
        "default-src 'self'; "
        "img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; "
        f"script-src 'self'{hashes}; "
        "worker-src 'self' blob:; "
        "connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    body = bytes(page.body).decode("utf-8")
    page.headers["Content-Security-Policy"] = docs_security_policy(body)
    page.headers["X-Content-Type-Options"] = "nosniff"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def _root(request: Request) -> str:
    """The path prefix the app is mounted under (behind a reverse proxy), or ``""``."""
    return str(request.scope.get("root_path", ""))


@router.get(DOCS_URL)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, with local assets."""
    root = _root(request)
    page = get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )
    return _with_policy(page)


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_redirect() -> HTMLResponse:
    """The page Swagger UI's "Authorize" flow returns to (no external asset)."""
    return _with_policy(get_swagger_ui_oauth2_redirect_html())


@router.get(REDOC_URL)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc over ``/openapi.json``, with the local bundle and no web fonts."""
    root = _root(request)
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )
    return _with_policy(page)


def install_docs(app: FastAPI) -> None:
    """Add ``/docs`` and ``/redoc`` and mount their assets (before any broader ``/static``)."""
    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="apidocs")
