"""Where a live stream comes from, and the ffmpeg command that remuxes it without decoding.

The camera's URL and credentials reach ffmpeg on its stdin (a one-entry concat list), never on
its command line; its messages are logged with every URL's user info and the password blanked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

_USERINFO = re.compile(r"(?i)(rtsps?://)[^/@\s]*@")


@dataclass(frozen=True)
class VideoSource:
    """Where a stream comes from: a checked ``rtsp://`` URL (no user info) and credentials."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def input_url(self) -> str:
        """The URL ffmpeg opens: the credentials percent-encoded into the user info."""
        if not self.username:
            return self.url
        scheme, rest = self.url.split("://", 1)
        secret = quote(self.password or "", safe="")
        return f"{scheme}://{quote(self.username, safe='')}:{secret}@{rest}"

    def redact(self, text: str) -> str:
        """``text`` with URL user info and the password blanked (for logs).

        Examples
        --------
        >>> VideoSource("rtsp://10.0.0.5/ch1", "admin", "s3cret").redact(
        ...     "rtsp://admin:s3cret@10.0.0.5/ch1: 401; s3cret")
        'rtsp://***@10.0.0.5/ch1: 401; ***'
        """
        text = _USERINFO.sub(r"\1***@", text)
        for secret in (self.password, quote(self.password or "", safe="")):
            if secret:
                text = text.replace(secret, "***")
        return text


def ffmpeg_command(*, ffmpeg: str = "ffmpeg") -> list[str]:
    """The ffmpeg command remuxing the stream named on stdin (:func:`input_list`) to fMP4.

    The camera's URL, credentials included, goes in through stdin as a one-entry concat list,
    so it is never in ffmpeg's command line (``ps``, ``/proc/<pid>/cmdline``).
    """
    return [
        ffmpeg,
        *("-hide_banner", "-loglevel", "error", "-nostdin"),
        *("-f", "concat", "-safe", "0", "-protocol_whitelist", "pipe,rtsp,rtsps,rtp,tcp,udp,tls"),
        # Read the concat list itself at once; the camera's own options are in the list.
        *("-probesize", "32", "-analyzeduration", "0", "-i", "pipe:0"),
        *("-map", "0:v:0", "-c", "copy", "-an", "-f", "mp4"),
        *("-movflags", "empty_moov+default_base_moof+frag_every_frame"),
        # Before each fragment a prft box: its frame's time on the camera's clock (RTCP).
        *("-write_prft", "wallclock", "pipe:1"),
    ]


def input_list(source: VideoSource, *, timeout_s: float) -> bytes:
    r"""The ffconcat list naming the camera, with its RTSP options.

    RTSP over TCP; ``timeout`` on socket reads; no probing beyond the parameter sets in the
    camera's SDP, so the first frame leaves at once.

    Examples
    --------
    >>> print(input_list(VideoSource("rtsp://10.0.0.5/it's"), timeout_s=5).decode())
    ffconcat version 1.0
    file 'rtsp://10.0.0.5/it'\''s'
    option rtsp_transport tcp
    option timeout 5000000
    option probesize 32
    option analyzeduration 0
    option fflags nobuffer
    <BLANKLINE>
    """
    url = source.input_url().replace("'", "'\\''")  # ffconcat quoting
    lines = [
        "ffconcat version 1.0",
        f"file '{url}'",
        "option rtsp_transport tcp",
        f"option timeout {int(timeout_s * 1_000_000)}",  # microseconds
        "option probesize 32",
        "option analyzeduration 0",
        "option fflags nobuffer",
    ]
    return ("\n".join(lines) + "\n").encode()
