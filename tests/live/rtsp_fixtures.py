"""The simulated RTSP camera for tests: skipped cleanly without GStreamer, unless required."""

from __future__ import annotations

import os
import re
import struct

import pytest

from camroute.sim.rtsp import gstreamer_missing

RTSP_USER = "admin"
RTSP_PASSWORD = "s3cret:ô@/x"  # a colon, an at-sign, a slash and a non-ASCII letter
START_CODE = re.compile(b"\x00\x00\x01")


def require_gstreamer() -> None:
    """Skip (with the reason) when GStreamer's RTSP server is missing; fail when CI needs it."""
    why = gstreamer_missing()
    if why is None:
        return
    if os.environ.get("CAMROUTE_REQUIRE_BROWSER"):
        pytest.fail(f"the RTSP tests must run here (CAMROUTE_REQUIRE_BROWSER): {why}")
    pytest.skip(why)


def length_prefixed_nals(sample: bytes) -> list[bytes]:
    """The NAL units of one MP4 sample (4-byte big-endian lengths, as ffmpeg writes avcC)."""
    nals, at = [], 0
    while at + 4 <= len(sample):
        (size,) = struct.unpack_from(">I", sample, at)
        nals.append(sample[at + 4 : at + 4 + size])
        at += 4 + size
    return nals


def annexb_nals(stream: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start codes removed, trailing zeros too)."""
    parts = START_CODE.split(stream)
    return [p.rstrip(b"\x00") for p in parts if p.rstrip(b"\x00")]


def h264_type(nal: bytes) -> int:
    """The H.264 ``nal_unit_type`` (1: a slice, 5: an IDR slice, 7: SPS, 8: PPS)."""
    return nal[0] & 0x1F
