"""Answering a camera's login challenge with the scheme it asks for: Digest, else Basic.

Hikvision, Dahua and KBVision cameras answer an unauthenticated request with ``401`` and
``WWW-Authenticate: Digest realm=..., qop="auth", nonce=...``; older cameras ask for Basic. The
first request therefore carries no credentials at all, and the answer to the challenge is
computed by httpx's own :class:`httpx.DigestAuth` (or :class:`httpx.BasicAuth`): a camera that
offers Digest never receives the password in clear text.

:func:`send_with_auth` drives the flow itself instead of handing it to ``client.send(auth=...)``
because httpx reads a whole ``401`` body into memory before it answers, and a camera's body is
read only under the relay's byte cap. The answer is the same pinned request (checked address,
original ``Host``), so the digest ``uri`` is the path the camera was asked for.

A camera polled for snapshots would see two requests per snapshot, so :class:`AuthSchemes`
remembers, per camera and URL origin, the scheme whose answer the camera accepted: a camera
known to want Basic gets Basic on the first request (a new ``401`` is still answered); a camera
known to want Digest still gets a challenge per request (a fresh nonce each time), but never Basic.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Generator
from typing import Literal

import httpx

Scheme = Literal["basic", "digest"]


def offered_schemes(response: httpx.Response) -> set[str]:
    """The auth schemes (lower case) a response's ``WWW-Authenticate`` headers offer.

    Examples
    --------
    >>> sorted(offered_schemes(httpx.Response(401, headers=[
    ...     ("WWW-Authenticate", 'Digest realm="cam", nonce="n", qop="auth"'),
    ...     ("WWW-Authenticate", 'Basic realm="cam"')])))
    ['basic', 'digest']
    """
    return {
        value.strip().split(" ", 1)[0].lower()
        for value in response.headers.get_list("www-authenticate")
        if value.strip()
    }


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL (the default port spelled out), lower case.

    Examples
    --------
    >>> origin("http://CAM.example:80/ISAPI/pic?ch=1"), origin("https://[::1]/x")
    ('http://cam.example:80', 'https://[::1]:443')
    """
    parsed = httpx.URL(url)
    host = parsed.host if ":" not in parsed.host else f"[{parsed.host}]"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{host}:{port}".lower()


class AuthSchemes:
    """The scheme each camera accepted, keyed by camera id AND URL origin, at most ``size`` kept.

    The origin is part of the key so a camera whose URL moves to another host starts again from
    a request without credentials. Least recently used entries go first.

    Examples
    --------
    >>> schemes = AuthSchemes(size=2)
    >>> schemes.remember("A", "http://10.0.0.1/pic", "basic")
    >>> schemes.known("A", "http://10.0.0.1:80/other"), schemes.known("A", "http://10.0.0.2/pic")
    ('basic', None)
    >>> schemes.remember("B", "http://10.0.0.2/", "digest")
    >>> schemes.remember("C", "http://10.0.0.3/", "basic")
    >>> schemes.known("A", "http://10.0.0.1/pic") is None, len(schemes)
    (True, 2)
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._schemes: OrderedDict[tuple[str, str], Scheme] = OrderedDict()

    def __len__(self) -> int:
        return len(self._schemes)

    def known(self, camera_id: str, url: str) -> Scheme | None:
        """The scheme this camera accepted at this URL's origin, if any."""
        key = (camera_id, origin(url))
        scheme = self._schemes.get(key)
        if scheme is not None:
            self._schemes.move_to_end(key)
        return scheme

    def remember(self, camera_id: str, url: str, scheme: Scheme) -> None:
        """Note that the camera accepted ``scheme`` at this URL's origin."""
        key = (camera_id, origin(url))
        self._schemes[key] = scheme
        self._schemes.move_to_end(key)
        while len(self._schemes) > self._size:
            self._schemes.popitem(last=False)

    def forget(self, camera_id: str, url: str) -> None:
        """Drop what was known (the camera refused the remembered scheme)."""
        self._schemes.pop((camera_id, origin(url)), None)


class ChallengeAuth(httpx.Auth):
    """Send without credentials; on a ``401`` answer once, with Digest if offered, else Basic.

    A ``401`` without any ``WWW-Authenticate`` (some old cameras) is answered with Basic, as
    those cameras expect; a challenge offering only other schemes is not answered.

    With ``schemes`` and ``camera`` (its id and registered URL), the accepted scheme is
    remembered: Basic is then sent on the first request, and a camera that accepted Digest is
    never answered with Basic (a Basic-only challenge from it would be a downgrade).
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        schemes: AuthSchemes | None = None,
        camera: tuple[str, str] | None = None,
    ) -> None:
        self._username = username
        self._password = password
        self._schemes = schemes if camera is not None else None
        self._camera = camera or ("", "")

    def _known(self) -> Scheme | None:
        return self._schemes.known(*self._camera) if self._schemes is not None else None

    def _accepted(self, response: httpx.Response, scheme: Scheme) -> None:
        if self._schemes is not None and response.status_code != 401:
            self._schemes.remember(*self._camera, scheme)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The httpx auth flow: at most one answered challenge."""
        known = self._known()
        if known == "basic":
            basic = next(httpx.BasicAuth(self._username, self._password).auth_flow(request))
            response = yield basic
            if response.status_code != 401:
                return
            if self._schemes is not None:
                self._schemes.forget(*self._camera)
            # The same Basic again cannot succeed; a changed camera may now ask for Digest.
            if "digest" in offered_schemes(response):
                yield from self._answer_digest(request, response)
            return
        response = yield request
        if response.status_code != 401:
            return
        offered = offered_schemes(response)
        if "digest" in offered:
            yield from self._answer_digest(request, response)
        elif known != "digest" and (not offered or "basic" in offered):
            basic = next(httpx.BasicAuth(self._username, self._password).auth_flow(request))
            self._accepted((yield basic), "basic")

    def _answer_digest(
        self, request: httpx.Request, challenge: httpx.Response
    ) -> Generator[httpx.Request, httpx.Response, None]:
        # A fresh DigestAuth holds no earlier challenge, so its first yield is ``request``
        # unchanged; sending it the 401 builds the answer (or ends if none can be built).
        digest = httpx.DigestAuth(self._username, self._password).auth_flow(request)
        next(digest)
        try:
            answer = digest.send(challenge)
        except StopIteration:
            return
        self._accepted((yield answer), "digest")


async def send_with_auth(
    client: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth | None
) -> httpx.Response:
    """Send ``request`` streamed, answering the camera's challenge; the last response is returned.

    Responses that are answered are closed unread (their body could be any size).
    """
    if auth is None:
        return await client.send(request, stream=True)
    flow = auth.auth_flow(request)
    current = next(flow)
    while True:
        response = await client.send(current, stream=True)
        try:
            current = flow.send(response)
        except StopIteration:
            return response
        except BaseException:  # e.g. a malformed Digest challenge (httpx.ProtocolError)
            await response.aclose()
            raise
        await response.aclose()
