"""Which addresses a camera stream may live at: the allow-list of camera networks.

Pure (standard library only). The relay checks every address a camera's host resolves to
against :class:`CameraNetworks` at fetch time; camera writes check what they can without DNS:
a host written as an IP literal, in any of the forms a resolver accepts (``0x7f000001``,
``0177.0.0.1``, ``2130706433``, ``127.1``, ``[::1]``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from camroute.errors import InvalidInputError

STREAM_URL_FIELDS: Final = ("snapshot_url", "mjpeg_url", "rtsp_url")
# Every URL of a camera the API accepts and the server later calls (import files carry the
# first three only).
CAMERA_URL_FIELDS: Final = (*STREAM_URL_FIELDS, "rtsp_sub_url", "onvif_url")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Private ranges where cameras live: RFC 1918, carrier-grade NAT, IPv6 unique local. Not
# loopback, not link-local (cloud metadata lives there), no public address unless listed.
DEFAULT_CAMERA_NETWORKS: Final = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
)
# Never a camera, whatever the allow-list says: cloud metadata services (some sit inside the
# private ranges above), "this host" (0.0.0.0 reaches loopback), broadcast and multicast.
ALWAYS_DENIED: Final = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.169.254/32",  # AWS, GCP, Azure, OpenStack metadata
        "169.254.170.2/32",  # AWS ECS task metadata
        "100.100.100.200/32",  # Alibaba Cloud metadata (inside 100.64.0.0/10)
        "fd00:ec2::254/128",  # AWS metadata over IPv6 (inside fc00::/7)
        "0.0.0.0/8",
        "::/128",
        "255.255.255.255/32",
        "224.0.0.0/4",
        "ff00::/8",
    )
)
# What inet_aton reads as an IPv4 address: 1 to 4 dot-separated decimal, octal or hex parts.
_INET_ATON: Final = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` names without DNS, in any form a resolver accepts (else None).

    Examples
    --------
    >>> str(literal_address("0x7f000001")), str(literal_address("0177.0.0.1"))
    ('127.0.0.1', '127.0.0.1')
    >>> str(literal_address("2130706433")), str(literal_address("[::1]"))
    ('127.0.0.1', '::1')
    >>> literal_address("cam-7.example") is None
    True
    """
    bare = host.strip("[]")
    try:
        return _unmapped(ipaddress.ip_address(bare.split("%", 1)[0]))
    except ValueError:
        pass
    if not _INET_ATON.match(bare):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare.rstrip(".")))
    except OSError:
        return None


def _unmapped(address: IPAddress) -> IPAddress:
    """``::ffff:a.b.c.d`` is checked as the IPv4 address it reaches."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class CameraNetworks:
    """The networks camera streams may be fetched from (``CAMROUTE_CAMERA_NETWORKS``).

    Examples
    --------
    >>> nets = CameraNetworks.of(["10.0.0.0/8"])
    >>> nets.refusal("10.1.2.3") is None
    True
    >>> nets.refusal("127.0.0.1")
    'address 127.0.0.1 is outside the camera networks'
    >>> CameraNetworks.of(["0.0.0.0/0"]).refusal("169.254.169.254")
    'address 169.254.169.254 is never a camera (metadata, broadcast or "this host")'
    """

    networks: tuple[IPNetwork, ...]

    @classmethod
    def of(cls, networks: Iterable[str | IPNetwork]) -> CameraNetworks:
        """Build from CIDR strings or network objects."""
        return cls(tuple(ipaddress.ip_network(n) for n in networks))

    def refusal(self, address: str | IPAddress) -> str | None:
        """Why ``address`` may not be fetched from (None when allowed)."""
        ip = _unmapped(ipaddress.ip_address(address) if isinstance(address, str) else address)
        if any(ip in net for net in ALWAYS_DENIED):
            return f'address {ip} is never a camera (metadata, broadcast or "this host")'
        if not any(ip in net for net in self.networks):
            return f"address {ip} is outside the camera networks"
        return None

    def url_refusal(self, url: str) -> str | None:
        """Why a stream ``url`` whose host is an IP literal is refused (None: allowed, or a name).

        Examples
        --------
        >>> nets = CameraNetworks.of(["10.0.0.0/8"])
        >>> nets.url_refusal("http://0x7f000001:8080/snap.jpg")
        'address 127.0.0.1 is outside the camera networks'
        >>> nets.url_refusal("http://cam.example/snap.jpg") is None
        True
        """
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return "the URL's host cannot be read"
        address = literal_address(host) if host else None
        return None if address is None else self.refusal(address)


def check_stream_urls(values: Mapping[str, object], networks: CameraNetworks) -> None:
    """Refuse (422, naming each field) stream URLs whose literal IP host is not a camera's.

    A host name is checked when the relay resolves it; an IP literal can be checked now.

    Examples
    --------
    >>> nets = CameraNetworks.of(["10.0.0.0/8"])
    >>> check_stream_urls({"snapshot_url": "http://10.0.0.5/s.jpg", "mjpeg_url": None}, nets)
    >>> try:
    ...     check_stream_urls({"mjpeg_url": "http://[::1]/m"}, nets)
    ... except InvalidInputError as exc:
    ...     print(exc.errors[0]["field"], "|", exc.errors[0]["reason"])
    mjpeg_url | address ::1 is outside the camera networks (CAMROUTE_CAMERA_NETWORKS)
    """
    errors = []
    for name in CAMERA_URL_FIELDS:
        url = values.get(name)
        why = networks.url_refusal(url) if isinstance(url, str) else None
        if why is not None:
            errors.append({"field": name, "reason": f"{why} (CAMROUTE_CAMERA_NETWORKS)"})
    if errors:
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        raise InvalidInputError(detail, errors=errors)
