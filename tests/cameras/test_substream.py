"""The vendors' sub-stream rules: Hikvision channel 01 -> 02, Dahua subtype 0 -> 1, else none."""

from __future__ import annotations

import pytest

from camroute.cameras.substream import sub_stream_url


@pytest.mark.parametrize(
    ("main", "sub"),
    [
        (
            "rtsp://10.0.0.5:554/Streaming/Channels/101",
            "rtsp://10.0.0.5:554/Streaming/Channels/102",
        ),
        ("rtsp://10.0.0.5/Streaming/Channels/1201", "rtsp://10.0.0.5/Streaming/Channels/1202"),
        (
            "rtsp://10.0.0.5/Streaming/channels/401?transportmode=unicast",
            "rtsp://10.0.0.5/Streaming/channels/402?transportmode=unicast",
        ),
        (
            "rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=0",
            "rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=1",
        ),
        ("rtsp://10.0.0.5/Streaming/Channels/102", None),  # already the sub-stream
        ("rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=1", None),
        ("rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=00", None),
        ("rtsp://10.0.0.7/live", None),
        ("rtsp://10.0.0.7/h264/ch101/main", None),
    ],
)
def test_sub_stream_url(main: str, sub: str | None) -> None:
    assert sub_stream_url(main) == sub
