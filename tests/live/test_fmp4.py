"""Box headers of ffmpeg's fragmented MP4: init segment, fragments, keyframes, codec strings."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from camroute.live.fmp4 import (
    Box,
    BoxSplitter,
    Mp4FormatError,
    codec_string,
    default_sample_flags,
    fragment,
    samples,
)

GOP = 5


def _encode(tmp: Path, codec: str) -> bytes:
    """Twelve frames of testsrc encoded by ffmpeg (test data only), one frame per fragment."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required"
    out = tmp / f"{codec}.mp4"
    extra = ["-x265-params", "log-level=error"] if codec == "libx265" else []
    subprocess.run(
        [
            *(ffmpeg, "-hide_banner", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "12"),
            *("-c:v", codec, "-g", str(GOP), "-bf", "0", "-pix_fmt", "yuv420p", *extra),
            *("-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame"),
            str(out),
        ],
        check=True,
        timeout=60,
    )
    return out.read_bytes()


@pytest.fixture(scope="module")
def h264(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _encode(tmp_path_factory.mktemp("fmp4"), "libx264")


def test_boxes_are_the_same_whatever_the_chunk_size(h264: bytes) -> None:
    whole = BoxSplitter().feed(h264)
    for size in (1, 7, 4096):
        splitter = BoxSplitter()
        pieces = [
            b for at in range(0, len(h264), size) for b in splitter.feed(h264[at : at + size])
        ]
        assert pieces == whole
    assert [b.kind for b in whole[:4]] == ["ftyp", "moov", "moof", "mdat"]


def test_keyframes_are_every_gop_th_fragment_and_samples_fill_the_mdat(h264: bytes) -> None:
    boxes = [b for b in BoxSplitter().feed(h264) if b.kind in ("moov", "moof", "mdat")]
    moov, rest = boxes[0], boxes[1:]
    frags = [
        fragment(m, d, trex_flags=default_sample_flags(moov))
        for m, d in zip(rest[::2], rest[1::2], strict=True)
    ]
    assert [f.keyframe for f in frags] == [i % GOP == 0 for i in range(12)]
    for frag in frags:
        assert sum(frag.sample_sizes) == len(frag.data) - frag.mdat_offset
        nal_size = struct.unpack(">I", samples(frag)[0][:4])[0]
        assert 0 < nal_size < len(samples(frag)[0])


def test_h264_codec_string_comes_from_avcc(h264: bytes) -> None:
    moov = BoxSplitter().feed(h264)[1]
    codec = codec_string(moov)
    assert codec.startswith("avc1.")
    assert len(codec) == len("avc1.64000A")
    int(codec[5:], 16)  # six hex digits: profile, constraints, level


def test_h265_codec_string_follows_annex_e(tmp_path: Path) -> None:
    moov = BoxSplitter().feed(_encode(tmp_path, "libx265"))[1]
    kind, profile, compat, tier_level, *constraints = codec_string(moov).split(".")
    assert kind in ("hev1", "hvc1")
    assert profile == "1"  # Main
    assert compat == "6"  # Main and Main 10 compatible, bits reversed
    assert tier_level.startswith("L")
    assert all(len(c) == 2 for c in constraints)


@pytest.mark.parametrize(
    "stream",
    [struct.pack(">I4s", 4, b"free"), struct.pack(">I4s", 0x7FFFFFFF, b"mdat")],
)
def test_impossible_box_sizes_are_refused(stream: bytes) -> None:
    with pytest.raises(Mp4FormatError, match="box of"):
        BoxSplitter().feed(stream)


def test_a_track_that_is_not_video_has_no_codec_string() -> None:
    empty = Box("moov", struct.pack(">I4s", 8, b"moov"))
    with pytest.raises(Mp4FormatError, match="no sample description"):
        codec_string(empty)
