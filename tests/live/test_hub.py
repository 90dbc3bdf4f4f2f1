"""The video hub: a slow viewer skips to the next keyframe; a frozen camera ends its feed."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import pytest
from tests.live.rtsp_fixtures import require_gstreamer

from camroute.live.fmp4 import Fragment
from camroute.live.hub import QUEUE_FRAGMENTS, Feed, VideoHub, Viewer
from camroute.live.source import VideoSource
from camroute.sim.rtsp import RtspCamera


def frag(index: int, *, key: bool) -> Fragment:
    return Fragment(data=b"f%d" % index, keyframe=key, sample_sizes=(), mdat_offset=0)


def test_a_viewer_that_falls_behind_skips_to_the_next_keyframe() -> None:
    async def run() -> list[bytes | None]:
        feed = Feed(key="k", source=VideoSource("rtsp://10.0.0.1/x"), proc=Any)  # type: ignore[arg-type]
        slow = Viewer(feed)
        feed.viewers.add(slow)
        feed.take(frag(0, key=True))
        for i in range(1, QUEUE_FRAGMENTS + 5):  # more than the queue holds: it overflows
            feed.take(frag(i, key=False))
        assert slow.skipping
        while not slow.queue.empty():  # the viewer catches up on what it had
            slow.queue.get_nowait()
        feed.take(frag(500, key=False))  # not a keyframe: still skipped
        feed.take(frag(501, key=True))
        feed.take(frag(502, key=False))
        slow.end()
        return [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]

    assert asyncio.run(run()) == [b"f501", b"f502", None]


def test_fragments_before_the_first_keyframe_are_not_sent_or_kept() -> None:
    async def run() -> tuple[list[bytes], int]:
        feed = Feed(key="k", source=VideoSource("rtsp://10.0.0.1/x"), proc=Any)  # type: ignore[arg-type]
        viewer = Viewer(feed)
        feed.viewers.add(viewer)
        feed.take(frag(0, key=False))
        feed.take(frag(1, key=True))
        feed.take(frag(2, key=False))
        return list(feed.gop), viewer.queue.qsize()

    assert asyncio.run(run()) == ([b"f1", b"f2"], 2)


@pytest.mark.slow
def test_a_frozen_camera_ends_the_feed_after_the_stale_time() -> None:
    """The camera keeps its TCP connection but sends nothing (SIGSTOP): no live picture."""
    require_gstreamer()
    cam = RtspCamera(["FROZEN"]).start()

    async def run() -> float:
        hub = VideoHub(stale_after_s=1.5, linger_s=0.1)
        viewer = await hub.join("f", VideoSource(cam.url("FROZEN")))
        while len(viewer.feed.gop) < 2:  # frames are flowing
            await viewer.queue.get()
        assert cam.proc is not None
        cam.proc.send_signal(signal.SIGSTOP)
        frozen_at = time.monotonic()
        try:
            while await asyncio.wait_for(viewer.queue.get(), timeout=10.0) is not None:
                pass
            ended_after_s = time.monotonic() - frozen_at
            # Ended by the hub's watch ("no media for ...") or ffmpeg's socket timeout.
            assert viewer.feed.ended is not None
        finally:
            cam.proc.send_signal(signal.SIGCONT)
            await hub.aclose()
        return ended_after_s

    try:
        assert 1.0 < asyncio.run(run()) < 4.0
    finally:
        cam.stop()
