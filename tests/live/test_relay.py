from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from camroute.live.parts import mjpeg_boundary
from camroute.live.relay import FrameClock

T0 = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace;boundary=ffmpeg", "ffmpeg"),
        ("multipart/x-mixed-replace; boundary=camrouteframe", "camrouteframe"),
        ('multipart/x-mixed-replace; boundary="myboundary"', "myboundary"),
        ("Multipart/X-Mixed-Replace; BOUNDARY=Ab12; charset=x", "Ab12"),
        ('multipart/x-mixed-replace; boundary="--frame"', "--frame"),
        ("multipart/x-mixed-replace", None),  # no boundary: nothing to check parts against
        ('multipart/x-mixed-replace; boundary="a b"', None),
        ('multipart/x-mixed-replace; boundary=x"><script>', None),
        ("multipart/x-mixed-replace; boundary=" + "b" * 71, None),  # RFC 2046: 70 at most
        ("text/html; boundary=x", None),
        ("", None),
    ],
)
def test_mjpeg_boundary(content_type: str, boundary: str | None) -> None:
    assert mjpeg_boundary(content_type) == boundary


@pytest.mark.parametrize(
    ("chunks", "frames"),
    [
        ([b"--b\r\nX--b\r\nY"], 2),
        ([b"-", b"-", b"b"], 1),  # split one byte at a time
        ([b"xx--", b"b--", b"b"], 2),
        ([b"--c--c"], 0),
        ([], 0),
    ],
)
def test_frame_clock_counts_markers_across_chunks(chunks: list[bytes], frames: int) -> None:
    clock = FrameClock(marker=b"--b")
    for n, chunk in enumerate(chunks):
        clock.feed(chunk, at=T0 + timedelta(seconds=n))
    assert clock.frames == frames
    assert (clock.last_frame_at is None) == (frames == 0)


def test_frame_age_is_measured_from_the_last_frame_start() -> None:
    clock = FrameClock(marker=b"--b")
    assert clock.age_s(now=T0) is None
    clock.feed(b"--b jpeg", at=T0)
    clock.feed(b" more bytes of the same frame", at=T0 + timedelta(seconds=3))
    assert clock.age_s(now=T0 + timedelta(seconds=4)) == 4.0
    clock.feed(b"--b", at=T0 + timedelta(seconds=5))
    assert clock.age_s(now=T0 + timedelta(seconds=5.5)) == 0.5
