"""The camera's own clock, from the ``prft`` boxes ffmpeg writes before each fragment.

ffmpeg's RTSP demuxer maps each frame's RTP timestamp to the camera's wall clock through the
camera's RTCP sender reports; its MP4 muxer (``-write_prft wallclock``) writes that time in a
producer reference time box (``prft``: an NTP time and the fragment's media time) before the
fragment. Until a sender report arrived, and for a camera that sends none, it writes its own
clock instead. The two are told apart by how they move: the camera's times advance exactly
with the media time (both come from RTP timestamps), ffmpeg's own follow the frames' arrival
and jitter by milliseconds; and ffmpeg's own time is this machine's clock at the moment it
wrote the box, which arrives here within milliseconds. Box headers only: nothing is decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from camroute.live.fmp4 import Box, find

NTP_UNIX_OFFSET_S = 2_208_988_800  # seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix)
STEADY_TOLERANCE_S = 0.0015  # ffmpeg rounds the camera's times to whole milliseconds
STEADY_FRAGMENTS = 3  # consecutive fragments moving exactly with the media time
OWN_CLOCK_S = 0.02  # a time this close to its arrival is ffmpeg's clock, not the camera's


def prft_times(box: Box) -> tuple[float, int] | None:
    """The Unix time and the media time a ``prft`` box states (None when it is too short).

    Examples
    --------
    >>> ntp = (NTP_UNIX_OFFSET_S + 1_800_000_000) << 32 | 1 << 31  # + 0.5 s
    >>> body = bytes([1, 0, 0, 24]) + (1).to_bytes(4, "big") + ntp.to_bytes(8, "big")
    >>> body += (90_000).to_bytes(8, "big")
    >>> prft_times(Box("prft", (8 + len(body)).to_bytes(4, "big") + b"prft" + body))
    (1800000000.5, 90000)
    >>> prft_times(Box("prft", bytes([0, 0, 0, 12]) + b"prft" + bytes(4))) is None
    True
    """
    data = box.data
    wide = len(data) > 8 and data[8] == 1  # version 1: a 64-bit media time
    if len(data) < (32 if wide else 28):
        return None
    (ntp,) = struct.unpack_from(">Q", data, 16)  # after header, version/flags, track id
    (media,) = struct.unpack_from(">Q" if wide else ">I", data, 24)
    return (ntp >> 32) - NTP_UNIX_OFFSET_S + (ntp & 0xFFFF_FFFF) / 2**32, media


def timescale(moov: Box) -> int:
    """The first track's media timescale (ticks per second), 90 kHz when unstated."""
    mdhd = find(moov.data[8:], "trak", "mdia", "mdhd")
    if mdhd is None or len(mdhd) < 24:
        return 90_000
    at = 20 if mdhd[0] == 1 else 12  # after version/flags and the creation/modification times
    return struct.unpack_from(">I", mdhd, at)[0] or 90_000


@dataclass
class CameraClock:
    """Tells the camera's clock from ffmpeg's own in a stream's ``prft`` boxes."""

    ticks_per_s: int = 90_000
    steady: int = 0
    last: tuple[float, int] | None = None

    def is_camera(self, unix_s: float, media: int, *, arrived_s: float) -> bool:
        """Whether this box's time is the camera's (``arrived_s``: this machine's clock).

        Examples
        --------
        >>> clock = CameraClock()
        >>> [clock.is_camera(100 + i / 10, i * 9000, arrived_s=100.2 + i / 10) for i in range(5)]
        [False, False, False, True, True]
        >>> own = CameraClock()  # ffmpeg's clock: jitter, and no delay before it arrives
        >>> [own.is_camera(t, i * 9000, arrived_s=t + 0.001)
        ...  for i, t in enumerate([5.0, 5.106, 5.2, 5.304, 5.4])]
        [False, False, False, False, False]
        """
        if self.last is not None:
            moved_s = unix_s - self.last[0]
            media_s = (media - self.last[1]) / self.ticks_per_s
            exact = media_s > 0 and abs(moved_s - media_s) <= STEADY_TOLERANCE_S
            self.steady = self.steady + 1 if exact else 0
        self.last = (unix_s, media)
        return self.steady >= STEADY_FRAGMENTS and abs(arrived_s - unix_s) >= OWN_CLOCK_S
