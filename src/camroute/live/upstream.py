"""Reaching a camera: only at addresses in the camera networks, failures that all look alike.

The host of a camera URL is resolved here, every address it resolves to is checked against
``CAMROUTE_CAMERA_NETWORKS``, and the request goes to the checked address (the URL's host in
``Host`` and, over TLS, as the SNI name the certificate is verified against), so a DNS answer
that changes between the check and the connect cannot swap the address.

To a client every failure is the same ``camera_unreachable`` problem: refused, closed port,
timeout, forbidden address, or media that is not what the endpoint promises. Telling them
apart would let a user who can point a camera somewhere map the network through the relay;
the reason goes to the server log and the audit log only.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx

from camroute.cameras.networks import CameraNetworks, IPAddress, literal_address
from camroute.errors import UpstreamError

UNREACHABLE_DETAIL = "the camera could not be reached or sent no usable image"


class CameraUnreachableError(UpstreamError):
    """A camera fetch failed; ``detail`` (server side only) says why, the client sees one text."""

    code = "camera_unreachable"
    title = "Camera unreachable"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field="camera_id")

    def to_problem(self) -> dict[str, Any]:
        """The same body whatever the reason."""
        body = super().to_problem()
        body["detail"] = UNREACHABLE_DETAIL
        return body


class ForbiddenAddressError(CameraUnreachableError):
    """The camera's host is, or resolves to, an address outside the camera networks."""


def failure(exc: Exception) -> CameraUnreachableError:
    """The unreachable error for an httpx or timeout failure, with its kind as the reason."""
    if isinstance(exc, CameraUnreachableError):
        return exc
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return CameraUnreachableError(f"timed out ({type(exc).__name__})")
    return CameraUnreachableError(f"{type(exc).__name__}: {exc}"[:300])


async def _addresses(host: str, port: int) -> list[IPAddress]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CameraUnreachableError(f"cannot resolve {host}: {exc}") from exc
    found = [literal_address(str(info[4][0])) for info in infos]
    return [a for a in found if a is not None]


async def pinned_request(
    client: httpx.AsyncClient,
    url: str,
    networks: CameraNetworks,
    *,
    timeout: httpx.Timeout,
) -> httpx.Request:
    """A GET of ``url`` sent to an address checked against ``networks`` (else refused)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise CameraUnreachableError(f"the URL cannot be read: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise CameraUnreachableError(f"the URL scheme {parsed.scheme!r} cannot be relayed")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    name = parsed.raw_host.decode("ascii")  # IDNA-encoded: what DNS and TLS see
    addresses = await _addresses(name, port)
    if not addresses:
        raise CameraUnreachableError(f"{name} resolves to no address")
    for address in addresses:  # every one: the connection may go to any of them
        why = networks.refusal(address)
        if why is not None:
            raise ForbiddenAddressError(f"{name}: {why}")
    headers = {"Host": parsed.netloc.decode("ascii"), "Accept-Encoding": "identity"}
    # Over TLS the certificate is checked against the name, not the pinned address.
    extensions = {"sni_hostname": name} if parsed.scheme == "https" else {}
    return client.build_request(
        "GET",
        parsed.copy_with(host=str(addresses[0])),
        headers=headers,
        extensions=extensions,
        timeout=timeout,
    )


async def checked_address(host: str, port: int, networks: CameraNetworks) -> IPAddress:
    """The address to connect to for ``host``: every one it resolves to must be allowed."""
    addresses = await _addresses(host, port)
    if not addresses:
        raise CameraUnreachableError(f"{host} resolves to no address")
    for address in addresses:
        why = networks.refusal(address)
        if why is not None:
            raise ForbiddenAddressError(f"{host}: {why}")
    return addresses[0]
