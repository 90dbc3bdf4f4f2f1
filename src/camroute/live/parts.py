"""What an MJPEG relay lets through: multipart parts that are JPEG frames of bounded size.

A camera's stream is relayed under the app's origin, so a part the browser would render as
anything but an image (``text/html``, ``image/svg+xml``) could run script there. The guard
reads the stream as it passes, without keeping it: every part must say ``image/jpeg``, start
with the JPEG start-of-image marker and stay under the frame cap; the first part that does
not ends the stream before its bytes are relayed.
"""

from __future__ import annotations

import re
from typing import Final, NoReturn

from camroute.live.upstream import CameraUnreachableError

JPEG_SOI: Final = b"\xff\xd8"
JPEG_TYPES: Final = frozenset({"image/jpeg", "image/jpg"})  # image/jpg: common camera spelling
MAX_HEADER_BYTES: Final = 4096
MAX_PREAMBLE_BYTES: Final = 1024
# RFC 2046 boundary characters, less the space and the quote (so it needs no quoting).
_BCHARS: Final = r"[0-9A-Za-z'()+_,\-./:=?]{1,70}"
_BOUNDARY: Final = re.compile(rf'boundary=(?:"({_BCHARS})"|({_BCHARS}))\s*(?:;|$)', re.I)
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER: Final = re.compile(rb"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$")


class MediaRefusedError(CameraUnreachableError):
    """The camera sent something other than the JPEG it promised (told apart only in the log)."""


def media_type(content_type: str) -> str:
    """The bare, lower-case media type of a ``Content-Type`` value.

    Examples
    --------
    >>> media_type("Image/JPEG; charset=binary")
    'image/jpeg'
    """
    return content_type.split(";", 1)[0].strip().lower()


def mjpeg_boundary(content_type: str) -> str | None:
    """The boundary of a ``multipart/x-mixed-replace`` type, if it is a safe one (else None).

    Examples
    --------
    >>> mjpeg_boundary('multipart/x-mixed-replace; boundary="myboundary"')
    'myboundary'
    >>> mjpeg_boundary("multipart/x-mixed-replace") is None
    True
    >>> mjpeg_boundary("text/html; boundary=x") is None
    True
    """
    if media_type(content_type) != "multipart/x-mixed-replace":
        return None
    match = _BOUNDARY.search(content_type)
    return (match.group(1) or match.group(2)) if match else None


def mjpeg_type(boundary: str) -> str:
    """Our ``Content-Type`` for a checked boundary (quoted when it is not an HTTP token).

    Examples
    --------
    >>> mjpeg_type("ffmpeg"), mjpeg_type("a/b")
    ('multipart/x-mixed-replace;boundary=ffmpeg', 'multipart/x-mixed-replace;boundary="a/b"')
    """
    value = boundary if _TOKEN.fullmatch(boundary) else f'"{boundary}"'
    return f"multipart/x-mixed-replace;boundary={value}"


class PartGuard:
    r"""Checks a ``multipart/x-mixed-replace`` byte stream chunk by chunk; raises on a bad part.

    Only a few bytes are held between chunks (a partial delimiter or header block).

    Examples
    --------
    >>> guard = PartGuard("fr", max_part_bytes=100)
    >>> guard.feed(b"--fr\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8abc\r\n--fr")
    >>> guard.parts, guard.frames
    (1, 1)
    >>> guard.feed(b"\r\nContent-Type: text/html\r\n\r\n<script>")
    Traceback (most recent call last):
    ...
    camroute.live.parts.MediaRefusedError: part 2 is text/html, not image/jpeg
    """

    def __init__(self, boundary: str, *, max_part_bytes: int) -> None:
        self._delimiter = b"--" + boundary.encode("ascii")
        self._max_part_bytes = max_part_bytes
        self._state = "preamble"
        self._pending = b""
        self._size = 0  # bytes of the current part's body (or of the preamble)
        self._start = b""  # the current body's first bytes, for the SOI check
        self.parts = 0  # parts begun
        self.frames = 0  # parts whose headers and JPEG marker were checked

    def feed(self, chunk: bytes) -> None:
        """Check ``chunk``; raise :class:`MediaRefusedError` when it breaks a rule."""
        self._pending += chunk
        while self._pending and self._step():
            pass

    def _step(self) -> bool:
        """Consume what the current state can; False when it needs more bytes."""
        if self._state in ("preamble", "body"):
            return self._scan_body()
        if self._state == "delimiter":
            return self._delimiter_line()
        if self._state == "headers":
            return self._headers()
        self._pending = b""  # after the close delimiter: the epilogue is ignored
        return False

    def _scan_body(self) -> bool:
        at = self._pending.find(self._delimiter)
        if at < 0:
            keep = len(self._delimiter) - 1  # a delimiter may straddle two chunks
            cut = max(len(self._pending) - keep, 0)
            self._take(self._pending[:cut])
            self._pending = self._pending[cut:]
            return False
        self._take(self._pending[:at])
        self._end_part()
        self._pending = self._pending[at + len(self._delimiter) :]
        self._state = "delimiter"
        return True

    def _take(self, data: bytes) -> None:
        self._size += len(data)
        if self._state == "preamble":
            if self._size > MAX_PREAMBLE_BYTES or data.strip():
                self._refuse("the stream does not start with its boundary")
            return
        if len(self._start) < len(JPEG_SOI) and data:
            self._start += data[: len(JPEG_SOI) - len(self._start)]
            if len(self._start) == len(JPEG_SOI):
                self._end_part()  # refused before any more of its bytes pass
                self.frames += 1
        if self._size > self._max_part_bytes:
            self._refuse(f"part {self.parts} is over {self._max_part_bytes} bytes")

    def _end_part(self) -> None:
        if self._state == "body" and not self._start.startswith(JPEG_SOI):
            self._refuse(f"part {self.parts} does not start with the JPEG marker")

    def _delimiter_line(self) -> bool:
        end = self._pending.find(b"\n")
        if end < 0:
            if len(self._pending) > MAX_PREAMBLE_BYTES or (
                not b"--".startswith(self._pending[:2]) and self._pending.strip(b" \t\r")
            ):
                self._refuse("text after a boundary")
            return False
        line = self._pending[:end].rstrip(b"\r")
        if line.startswith(b"--"):
            self._state = "closed"
            return True
        if line.strip(b" \t"):
            self._refuse("text after a boundary")
        self._pending = self._pending[end + 1 :]
        self._state, self.parts = "headers", self.parts + 1
        return True

    def _headers(self) -> bool:
        lines, at = [], 0
        while True:
            end = self._pending.find(b"\n", at)
            if end < 0:
                if len(self._pending) > MAX_HEADER_BYTES:
                    self._refuse(f"part {self.parts} headers are over {MAX_HEADER_BYTES} bytes")
                return False
            line = self._pending[at:end].rstrip(b"\r")
            at = end + 1
            if at > MAX_HEADER_BYTES:
                self._refuse(f"part {self.parts} headers are over {MAX_HEADER_BYTES} bytes")
            if not line:
                break
            lines.append(line)
        self._check_headers(lines)
        self._pending = self._pending[at:]
        self._state, self._size, self._start = "body", 0, b""
        return True

    def _check_headers(self, lines: list[bytes]) -> None:
        types = []
        for line in lines:
            match = _HEADER.match(line)
            if match is None:
                self._refuse(f"part {self.parts} has a malformed header line")
            name, value = match.group(1).lower(), match.group(2).decode("latin-1")
            if name == b"content-type":
                types.append(media_type(value))
            elif name == b"content-length" and not (
                value.isdigit() and int(value) <= self._max_part_bytes
            ):
                self._refuse(f"part {self.parts} declares {value[:20]!r} bytes")
        if len(types) != 1 or types[0] not in JPEG_TYPES:
            found = ", ".join(types) or "untyped"
            self._refuse(f"part {self.parts} is {found[:60]}, not image/jpeg")

    def _refuse(self, reason: str) -> NoReturn:
        raise MediaRefusedError(reason)
