"""Which of a camera's streams a browser gets, decided before any stream is opened.

The ONVIF probe keeps every media profile's encoding and stream URI (``camera_onvif.device``).
When the page says its browser cannot play H.265 (``MediaSource.isTypeSupported``), a camera
whose main stream is stated as H.265 is given its H.264 sub-stream straight away, instead of
opening the main stream for a few seconds to read the codec from its init segment. Only when
nothing is known (no probe, or a URL edited since) does the relay open the main stream and look;
the codec it learns is remembered by the hub for the next viewer. Pure: no I/O.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from camroute.cameras.model import split_userinfo
from camroute.cameras.onvif_model import OnvifDevice
from camroute.errors import NotFoundError

H264 = "H264"
H265 = "H265"
_NAMES = {"H264": H264, "AVC": H264, "H265": H265, "HEVC": H265}
_CODEC_PREFIXES = {"avc1": H264, "avc3": H264, "hvc1": H265, "hev1": H265}


class Stream(StrEnum):
    """Which of a camera's streams: its main stream, or the H.264 sub-stream."""

    main = "main"
    sub = "sub"


class NoSubStreamError(NotFoundError):
    """The camera has no sub-stream the browser can play (the page falls back to snapshots)."""

    code: ClassVar[str] = "no_sub_stream"
    title: ClassVar[str] = "No sub-stream"


def encoding_name(stated: str | None) -> str | None:
    """``H264`` / ``H265`` for what a device or a codec string says, else None.

    Examples
    --------
    >>> [encoding_name(s) for s in ("H.265", "hevc", "H264", "hvc1.1.6.L93.B0", "JPEG", None)]
    ['H265', 'H265', 'H264', 'H265', None, None]
    """
    if not stated:
        return None
    family = _CODEC_PREFIXES.get(stated.split(".", 1)[0].lower())
    return family or _NAMES.get(stated.upper().replace(".", "").replace("-", ""))


def _bare(url: str) -> str:
    return split_userinfo(url)[0].rstrip("/")


def encoding_at(device: OnvifDevice | None, url: str | None) -> str | None:
    """The encoding ``device`` stated for the profile streaming at ``url`` (None: unknown).

    A registry URL edited after the probe matches no profile, so its codec stays unknown.

    Examples
    --------
    >>> from camroute.cameras.onvif_model import DeviceInfo, MediaProfile
    >>> cam = OnvifDevice(info=DeviceInfo(manufacturer="H", model="M"), profiles=[
    ...     MediaProfile(token="a", encoding="H265", stream_uri="rtsp://10.0.0.5/ch/101")])
    >>> encoding_at(cam, "rtsp://admin:pw@10.0.0.5/ch/101/"), encoding_at(cam, "rtsp://10.0.0.5/x")
    ('H265', None)
    """
    if device is None or not url:
        return None
    wanted = _bare(url)
    for profile in device.profiles:
        if profile.stream_uri and _bare(profile.stream_uri) == wanted:
            return encoding_name(profile.encoding)
    return None


def choose_stream(
    asked: Stream,
    *,
    h265_ok: bool | None,
    main_encoding: str | None,
    has_sub: bool,
    sub_encoding: str | None,
) -> Stream | None:
    """The stream to open; None when the main stream's codec must be read from the stream.

    ``h265_ok`` is what the page said (None: it did not say, so it is given what it asked).
    A sub-stream stated as H.265 is no help to a browser without H.265.

    Examples
    --------
    >>> choose_stream(Stream.main, h265_ok=False, main_encoding="H265", has_sub=True,
    ...               sub_encoding="H264")
    <Stream.sub: 'sub'>
    >>> choose_stream(Stream.main, h265_ok=False, main_encoding=None, has_sub=True,
    ...               sub_encoding=None) is None
    True
    >>> choose_stream(Stream.main, h265_ok=True, main_encoding="H265", has_sub=True,
    ...               sub_encoding=None)
    <Stream.main: 'main'>
    """
    if asked is Stream.sub or (h265_ok is False and main_encoding == H265):
        if not has_sub or (h265_ok is False and sub_encoding == H265):
            raise NoSubStreamError("the camera has no sub-stream this browser can play")
        return Stream.sub
    if h265_ok is False and main_encoding is None:
        return None
    return Stream.main
