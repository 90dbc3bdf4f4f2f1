"""The camera's own clock reaches the page: prft boxes from the RTCP sender reports of a real
RTSP server (GStreamer), one whose clock is this machine's and one whose clock was never set."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from tests.live.rtsp_fixtures import require_gstreamer

from camroute.live.camclock import prft_times
from camroute.live.fmp4 import BoxSplitter
from camroute.live.hub import VideoHub
from camroute.live.source import VideoSource
from camroute.sim.rtsp import RtspCamera

CENTURY_S = 100 * 365 * 86400


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspCamera]:
    require_gstreamer()
    cam = RtspCamera(["K-NTP", "K-UNSET"], unset_clock_ids=["K-UNSET"]).start()
    yield cam
    cam.stop()


def _watch(url: str, seconds: float) -> tuple[bytes, float | None, list[float]]:
    """What a viewer received, the feed's last camera lag, and each box's arrival-minus-time."""

    async def watch() -> tuple[bytes, float | None, list[float]]:
        hub = VideoHub(linger_s=0.1)
        viewer = await hub.join("cam/main", VideoSource(url))
        body, lags = bytearray(), []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            data = await asyncio.wait_for(viewer.queue.get(), 3.0)
            assert data is not None
            body += data
            for box in BoxSplitter().feed(data):
                times = prft_times(box) if box.kind == "prft" else None
                if times is not None:
                    lags.append(time.time() - times[0])
        lag = viewer.feed.camera_lag_s
        await hub.aclose()
        return bytes(body), lag, lags

    return asyncio.run(watch())


def test_fragments_carry_the_cameras_clock_from_its_sender_reports(rtsp: RtspCamera) -> None:
    body, lag, lags = _watch(rtsp.url("K-NTP"), 4.0)
    assert len(lags) >= 10, "frames after the first sender report carry the camera's time"
    assert lag is not None
    assert 0.05 <= lag < 2.0  # at least a frame (10 fps): ffmpeg writes a frame at the next
    assert all(0.05 <= x < 2.0 for x in lags), lags
    kinds = [b.kind for b in BoxSplitter().feed(body)]
    assert kinds[:2] == ["ftyp", "moov"]
    assert kinds.count("prft") == len(lags)


def test_a_camera_whose_clock_was_never_set_is_a_century_off(rtsp: RtspCamera) -> None:
    _, lag, lags = _watch(rtsp.url("K-UNSET"), 4.0)
    assert lag is not None
    assert lag > CENTURY_S, "the camera's own (wrong) clock, not this machine's"
    assert lags
    assert min(lags) > CENTURY_S
