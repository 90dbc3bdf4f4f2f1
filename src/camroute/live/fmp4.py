"""Reading fragmented MP4 box headers: the init segment, fragments, keyframes, the codec string.

ffmpeg remuxes a camera's RTSP stream (``-c copy``) into fragmented MP4; the relay only has
to cut that byte stream at box boundaries, keep the init segment (``ftyp`` + ``moov``) for late
viewers, tell which fragments (``moof`` + ``mdat``) begin with a keyframe, and name the codec
for ``MediaSource.isTypeSupported``. All of that is in box headers and sample flags: no sample
is ever parsed, let alone decoded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

NON_SYNC = 0x0001_0000  # sample_is_non_sync_sample in the ISO BMFF sample flags
_VISUAL_ENTRY_BYTES = 78  # a VisualSampleEntry's fields before its child boxes
_MAX_BOX_BYTES = 64 * 1024 * 1024


class Mp4FormatError(ValueError):
    """The byte stream is not the fragmented MP4 the relay expects."""


@dataclass(frozen=True)
class Box:
    """One top-level box: its four-character type and all of its bytes (header included)."""

    kind: str
    data: bytes


@dataclass
class BoxSplitter:
    """Cut a byte stream into whole top-level boxes, whatever the chunk boundaries.

    Examples
    --------
    >>> splitter = BoxSplitter()
    >>> box = struct.pack(">I4s", 12, b"free") + b"abcd"
    >>> splitter.feed(box[:5]), [b.kind for b in splitter.feed(box[5:] + box)]
    ([], ['free', 'free'])
    """

    _buf: bytearray = field(default_factory=bytearray)

    def feed(self, chunk: bytes) -> list[Box]:
        """Add ``chunk``; return the boxes it completed."""
        self._buf += chunk
        boxes: list[Box] = []
        while len(self._buf) >= 8:
            size, kind = struct.unpack_from(">I4s", self._buf)
            if size == 1:  # 64-bit size follows the type
                if len(self._buf) < 16:
                    break
                size = struct.unpack_from(">Q", self._buf, 8)[0]
            if size < 8 or size > _MAX_BOX_BYTES:
                raise Mp4FormatError(f"a {kind!r} box of {size} bytes")
            if len(self._buf) < size:
                break
            boxes.append(Box(kind.decode("latin-1"), bytes(self._buf[:size])))
            del self._buf[:size]
        return boxes


def children(payload: bytes) -> Iterator[tuple[str, bytes]]:
    """The (type, payload) of each box packed in ``payload`` (32-bit sizes only)."""
    at = 0
    while at + 8 <= len(payload):
        size, kind = struct.unpack_from(">I4s", payload, at)
        if size < 8 or at + size > len(payload):
            raise Mp4FormatError(f"a {kind!r} box of {size} bytes overruns its parent")
        yield kind.decode("latin-1"), payload[at + 8 : at + size]
        at += size


def find(payload: bytes, *path: str) -> bytes | None:
    """The payload of the first box at ``path`` below ``payload`` (None when absent)."""
    if not path:
        return payload
    for kind, inner in children(payload):
        if kind == path[0]:
            found = find(inner, *path[1:])
            if found is not None:
                return found
    return None


def codec_string(moov: Box) -> str:
    """The RFC 6381 ``codecs`` value of the first track of ``moov``.

    ``avc1.PPCCLL`` for H.264 (profile, constraints, level from ``avcC``);
    ``hvc1.1.6.L93.B0`` style for H.265 (ISO/IEC 14496-15 annex E, from ``hvcC``).
    """
    stsd = find(moov.data[8:], "trak", "mdia", "minf", "stbl", "stsd")
    if stsd is None or len(stsd) < 8:
        raise Mp4FormatError("the init segment has no sample description")
    kind, entry = next(children(stsd[8:]))
    config = dict(children(entry[_VISUAL_ENTRY_BYTES:]))
    if kind in ("avc1", "avc3") and "avcC" in config:
        avcc = config["avcC"]
        return f"{kind}.{avcc[1]:02X}{avcc[2]:02X}{avcc[3]:02X}"
    if kind in ("hvc1", "hev1") and "hvcC" in config:
        return f"{kind}.{_hevc_suffix(config['hvcC'])}"
    raise Mp4FormatError(f"the video track is {kind!r}, not H.264 or H.265")


def _hevc_suffix(hvcc: bytes) -> str:
    space = "" if hvcc[1] >> 6 == 0 else "ABC"[(hvcc[1] >> 6) - 1]
    tier = "H" if hvcc[1] & 0x20 else "L"
    compat = int.from_bytes(hvcc[2:6], "big")
    reversed_compat = int(f"{compat:032b}"[::-1], 2)
    constraints = hvcc[6:12].rstrip(b"\x00")
    parts = [f"{space}{hvcc[1] & 0x1F}", f"{reversed_compat:X}", f"{tier}{hvcc[12]}"]
    parts += [f"{b:02X}" for b in constraints]
    return ".".join(parts)


def default_sample_flags(moov: Box) -> int:
    """The ``trex`` default sample flags of the first track (0 when none are given)."""
    trex = find(moov.data[8:], "mvex", "trex")
    return struct.unpack_from(">I", trex, 20)[0] if trex is not None and len(trex) >= 24 else 0


@dataclass(frozen=True)
class Fragment:
    """One ``moof`` + ``mdat`` pair, whether it starts at a keyframe, and its sample sizes."""

    data: bytes
    keyframe: bool
    sample_sizes: tuple[int, ...]
    mdat_offset: int  # where the mdat payload starts in ``data``


def fragment(moof: Box, mdat: Box, *, trex_flags: int = 0) -> Fragment:
    """Pair ``moof`` with its ``mdat`` and read the first sample's sync flag and the sizes."""
    traf = find(moof.data[8:], "traf")
    tfhd = find(traf or b"", "tfhd")
    trun = find(traf or b"", "trun")
    if tfhd is None or trun is None:
        raise Mp4FormatError("a fragment without tfhd/trun")
    flags = trex_flags
    default_size = 0
    tf_flags = int.from_bytes(tfhd[1:4], "big")
    at = 8  # version/flags, track_ID
    for bit, width in ((0x01, 8), (0x02, 4), (0x08, 4)):  # base offset, description, duration
        at += width if tf_flags & bit else 0
    if tf_flags & 0x10:
        default_size = struct.unpack_from(">I", tfhd, at)[0]
        at += 4
    if tf_flags & 0x20:
        flags = struct.unpack_from(">I", tfhd, at)[0]
    first_flags, sizes = _trun(trun, default_flags=flags, default_size=default_size)
    return Fragment(
        data=moof.data + mdat.data,
        keyframe=not first_flags & NON_SYNC,
        sample_sizes=tuple(sizes),
        mdat_offset=len(moof.data) + (16 if mdat.data[:4] == b"\x00\x00\x00\x01" else 8),
    )


def _trun(trun: bytes, *, default_flags: int, default_size: int) -> tuple[int, list[int]]:
    tr_flags = int.from_bytes(trun[1:4], "big")
    count = struct.unpack_from(">I", trun, 4)[0]
    at = 8 + (4 if tr_flags & 0x01 else 0)  # data offset
    first_flags = default_flags
    if tr_flags & 0x04:
        first_flags = struct.unpack_from(">I", trun, at)[0]
        at += 4
    sizes: list[int] = []
    for index in range(count):
        at += 4 if tr_flags & 0x100 else 0  # duration
        size = default_size
        if tr_flags & 0x200:
            size = struct.unpack_from(">I", trun, at)[0]
            at += 4
        if tr_flags & 0x400:
            if index == 0 and not tr_flags & 0x04:
                first_flags = struct.unpack_from(">I", trun, at)[0]
            at += 4
        at += 4 if tr_flags & 0x800 else 0  # composition time offset
        sizes.append(size)
    return first_flags, sizes


def samples(frag: Fragment) -> list[bytes]:
    """The sample payloads of ``frag`` in order (as the camera sent them, length-prefixed NALs)."""
    out, at = [], frag.mdat_offset
    for size in frag.sample_sizes:
        out.append(frag.data[at : at + size])
        at += size
    return out
