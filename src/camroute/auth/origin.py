"""Refuse cookie-authenticated writes sent from another site's page.

The login cookie is ``SameSite=Strict``, but that is the browser's promise, not the server's
check (older browsers, same-site subdomains). A browser marks where a request comes from:
``Sec-Fetch-Site`` (every current browser), else ``Origin`` (sent with every non-GET fetch and
form post). An unsafe method authenticated by the cookie must come from this app's own pages.
``X-API-Key`` and ``Authorization: Bearer`` are never sent by a browser on its own, so
requests carrying them are not checked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from camroute.errors import CrossOriginError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SAME_ORIGIN_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed by the user
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of a URL or ``Origin`` value; None when it names no origin.

    Examples
    --------
    >>> origin_of("https://Map.Example")
    ('https', 'map.example', 443)
    >>> origin_of("http://127.0.0.1:8000/api/calls")
    ('http', '127.0.0.1', 8000)
    >>> origin_of("null") is None
    True
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def refuse_cross_origin(request: Request) -> None:
    """Raise :class:`CrossOriginError` (403) for a cookie-authenticated write from elsewhere.

    Call it only when the request is authenticated by the login cookie.
    """
    if request.method.upper() in SAFE_METHODS:
        return
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site.strip().lower() in SAME_ORIGIN_FETCH_SITES:
            return
        raise CrossOriginError(
            f"a {request.method} with the login cookie from a {fetch_site[:32]} page is refused",
            field="Sec-Fetch-Site",
        )
    origin = request.headers.get("origin")
    own = origin_of(str(request.base_url))  # scheme, host and port this request came to
    if origin is not None and own is not None and origin_of(origin) == own:
        return
    shown = "no Origin" if origin is None else f"Origin {origin[:100]}"
    raise CrossOriginError(
        f"a {request.method} with the login cookie needs this app's own origin; got {shown}",
        field="Origin",
    )
