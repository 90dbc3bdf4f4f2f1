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
"""

from __future__ import annotations

from collections.abc import Generator

import httpx


def offered_schemes(response: httpx.Response) -> set[str]:
    """The auth schemes (lower case) a response's ``WWW-Authenticate`` headers offer.

    Examples
    --------
    >>> offered_schemes(httpx.Response(401, headers=[
    ...     ("WWW-Authenticate", 'Digest realm="cam", nonce="n", qop="auth"'),
    ...     ("WWW-Authenticate", 'Basic realm="cam"')]))
    {'basic', 'digest'}
    """
    return {
        value.strip().split(" ", 1)[0].lower()
        for value in response.headers.get_list("www-authenticate")
        if value.strip()
    }


class ChallengeAuth(httpx.Auth):
    """Send without credentials; on a ``401`` answer once, with Digest if offered, else Basic.

    A ``401`` without any ``WWW-Authenticate`` (some old cameras) is answered with Basic, as
    those cameras expect; a challenge offering only other schemes is not answered.
    """

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The httpx auth flow: at most one answered challenge."""
        response = yield request
        if response.status_code != 401:
            return
        offered = offered_schemes(response)
        if "digest" in offered:
            # A fresh DigestAuth holds no earlier challenge, so its first yield is ``request``
            # unchanged; sending it the 401 builds the answer (or ends if none can be built).
            digest = httpx.DigestAuth(self._username, self._password).auth_flow(request)
            next(digest)
            try:
                yield digest.send(response)
            except StopIteration:
                return
        elif not offered or "basic" in offered:
            yield next(httpx.BasicAuth(self._username, self._password).auth_flow(request))


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
