"""When stored camera credentials may no longer follow the camera's stream URLs.

Credentials are entered for a camera whose streams live at given hosts; the relay sends them
(HTTP Basic) to whatever host the stream URLs name. A URL that moves to an origin the camera
did not stream from (scheme, host, port) would carry them to a host they were never meant
for: anyone allowed to edit a URL could harvest the password. Such a change therefore drops
the credentials unless new ones come with it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from camroute.cameras.model import STREAM_FLAGS

DEFAULT_PORTS: Final = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322}
Origin = tuple[str, str, str]


def origin(url: str) -> Origin:
    """``(scheme, host, port)`` of ``url``, lower case, the scheme's default port filled in.

    Anything unusual (an unparsable port, another spelling of an address) compares as a
    different origin: the comparison errs towards dropping credentials.

    Examples
    --------
    >>> origin("HTTP://Cam.Example/snap.jpg")
    ('http', 'cam.example', '80')
    >>> origin("http://cam.example:80/a") == origin("http://cam.example/b?x=1")
    True
    >>> origin("rtsp://[fd00::5]:8554/ch1")
    ('rtsp', 'fd00::5', '8554')
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # not a number: keep the text, it matches only itself
        return scheme, parts.netloc.lower(), ""
    if port is None:
        port = DEFAULT_PORTS.get(scheme)
    return scheme, (parts.hostname or "").lower(), "" if port is None else str(port)


def stream_origins(camera: Mapping[str, Any]) -> set[Origin]:
    """The origins of every stream URL ``camera`` (a row or a dict of columns) has."""
    return {origin(url) for name in STREAM_FLAGS if isinstance(url := camera.get(name), str)}


def moves_credentials(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether ``after`` streams from an origin ``before`` did not (credentials must go).

    A path, query or removed URL keeps them; a new scheme, host or port drops them, also
    when the URL is new and the camera streamed from elsewhere before.

    Examples
    --------
    >>> old = {"snapshot_url": "http://10.0.0.5/snap.jpg", "mjpeg_url": None}
    >>> moves_credentials(old, {"snapshot_url": "http://10.0.0.5/other.jpg"})
    False
    >>> moves_credentials(old, {"snapshot_url": "http://10.0.0.66/snap.jpg"})
    True
    >>> moves_credentials(old, {"snapshot_url": "http://10.0.0.5:8080/snap.jpg"})
    True
    >>> moves_credentials(old, {**old, "mjpeg_url": "http://10.0.0.5/video.mjpg"})
    False
    >>> moves_credentials(old, {"snapshot_url": None})
    False
    """
    return bool(stream_origins(after) - stream_origins(before))
