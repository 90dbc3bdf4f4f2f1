"""The MJPEG part guard: every part a JPEG under the cap, whatever the chunking."""

from __future__ import annotations

import pytest

from camroute.live.parts import MediaRefusedError, PartGuard

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
CAP = 1000


def part(body: bytes = JPEG, head: bytes = b"Content-Type: image/jpeg\r\n") -> bytes:
    return b"--fr\r\n" + head + b"\r\n" + body + b"\r\n"


def feed(data: bytes, *, step: int | None = None) -> PartGuard:
    guard = PartGuard("fr", max_part_bytes=CAP)
    step = step or len(data) or 1
    for at in range(0, len(data), step):
        guard.feed(data[at : at + step])
    return guard


@pytest.mark.parametrize("step", [None, 1, 3, 7, 64])
def test_a_good_stream_passes_in_any_chunking(step) -> None:
    data = b"\r\n" + part() + part(head=b"content-type: Image/JPEG; q=1\r\nX-Ts: 1\r\n")
    data += part(head=b"Content-Type: image/jpeg\nContent-Length: 106\n") + b"--fr--\r\nbye"
    guard = feed(data, step=step)
    assert (guard.parts, guard.frames) == (3, 3)


def test_the_ffmpeg_stream_passes(ffmpeg_media) -> None:
    guard = PartGuard("ffmpeg", max_part_bytes=CAP * 1000)
    guard.feed(ffmpeg_media["mjpeg"])
    assert guard.frames == 40


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (part(b"<svg><script/></svg>", b"Content-Type: image/svg+xml\r\n"), "image/svg+xml"),
        (part(b"<script></script>", b"Content-Type: text/html\r\n"), "text/html"),
        (b"--fr\nContent-Type: text/html\n\n<script>", "text/html"),  # LF-only lines
        (part(head=b""), "untyped"),
        (part(head=b"Content-Type: image/jpeg\r\nContent-Type: text/html\r\n"), "text/html"),
        (part(head=b"Content-Type : image/jpeg\r\n"), "malformed header"),
        (part(head=b" Content-Type: image/jpeg\r\n"), "malformed header"),
        (part(b"<html>"), "does not start with the JPEG marker"),
        (part(b"\xff"), "does not start with the JPEG marker"),
        (part(b"\xff\xd8" + b"\x00" * CAP), f"over {CAP} bytes"),
        (part(head=b"Content-Type: image/jpeg\r\nContent-Length: 5000\r\n"), "declares '5000'"),
        (part(head=b"Content-Type: image/jpeg\r\n" + b"X: y\r\n" * 1000), "headers are over"),
        (b"--frX\r\n" + part(), "text after a boundary"),
        (b"--fr" + b" " * 2000, "text after a boundary"),
    ],
)
@pytest.mark.parametrize("step", [None, 1, 5])
def test_a_bad_part_is_refused(data, reason, step) -> None:
    with pytest.raises(MediaRefusedError) as caught:
        feed(part() + data + part(), step=step)
    assert reason in caught.value.detail


@pytest.mark.parametrize("step", [None, 1])
def test_a_stream_must_start_with_its_boundary(step) -> None:
    with pytest.raises(MediaRefusedError, match="does not start with its boundary"):
        feed(b"<html><script></script>" + part(), step=step)


def test_a_bad_part_is_refused_before_its_body_passes() -> None:
    guard = PartGuard("fr", max_part_bytes=CAP)
    guard.feed(part())
    with pytest.raises(MediaRefusedError):
        guard.feed(b"--fr\r\nContent-Type: text/html\r\n\r\n")  # the headers alone
    guard = PartGuard("fr", max_part_bytes=CAP)
    guard.feed(b"--fr\r\nContent-Type: image/jpeg\r\n\r\n")
    with pytest.raises(MediaRefusedError):
        guard.feed(b"<script>alert(1)</script>")  # not a JPEG, though labelled one


def test_the_guard_keeps_only_a_few_bytes() -> None:
    guard = PartGuard("fr", max_part_bytes=10 * 1024 * 1024)
    guard.feed(b"--fr\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8")
    for _ in range(1000):
        guard.feed(b"\x00" * 4096)
    assert len(guard._pending) < 8  # a possible delimiter start, never the frame
