"""Ask one camera over ONVIF who it is, what it streams and how it moves (edge: network I/O).

The SOAP side is ``onvif-zeep-async`` (the client Home Assistant uses) with the WSDL files it
ships: it loads them from disk and refuses to fetch any schema over the network, so a probe
works on a closed camera network. Every failure becomes one :class:`OnvifProbeError` whose
``kind`` and ``reason`` say what went wrong in words an operator can act on; nothing here
writes anywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import zeep.exceptions
import zeep.helpers

from camroute.cameras.quiet_import import root_logging_untouched

# onvif.client calls logging.basicConfig(level=INFO) when imported: the process would start
# printing every library's INFO records (httpx logs each camera URL it requests).
with root_logging_untouched():
    from onvif import ONVIFCamera, ONVIFService
    from onvif.client import _WSDL_PATH
    from onvif.definition import SERVICES
    from onvif.exceptions import ONVIFAuthError, ONVIFError, ONVIFTimeoutError

from camroute.cameras.model import split_userinfo
from camroute.cameras.onvif_model import (
    DeviceInfo,
    MediaProfile,
    OnvifDevice,
    ProbeErrorKind,
    PtzSpaces,
    Span,
)

STREAM_SETUP: Final = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
MAX_REASON: Final = 300  # a device's garbage answer is quoted, not dumped
_AUTH_FAULTS: Final = ("notauthorized", "not authorized", "unauthorized", "authority failure")


class OnvifProbeError(Exception):
    """A camera could not be probed: ``kind`` for machines, ``reason`` for people."""

    def __init__(self, kind: ProbeErrorKind, reason: str) -> None:
        reason = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
        super().__init__(reason)
        self.kind: ProbeErrorKind = kind
        self.reason = reason


class _Camera(ONVIFCamera):  # type: ignore[misc]  # the library is untyped
    """ONVIFCamera that only ever talks to the scheme, host and port of the registered URL.

    The device service is asked at the registered URL, path included (the library assumes
    ``/onvif/device_service``; a few firmwares serve it elsewhere). The service addresses
    the device advertises keep their paths but get the registered origin: a camera behind
    NAT advertises its LAN address, and a hostile one could name any host on the network.
    """

    def __init__(self, url: str, username: str | None, password: str | None) -> None:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        # no_cache: no SQLite cache file in the user's home for WSDLs we read from disk anyway.
        super().__init__(parts.hostname, port, username, password, no_cache=True)
        self.device_xaddr = url
        self.origin = parts

    def rewrite_url(self, url: str | None) -> str | None:
        if not url:
            return url
        return urlunsplit(
            urlsplit(url)._replace(scheme=self.origin.scheme, netloc=self.origin.netloc)
        )

    def get_definition(self, name: str, port_type: str | None = None) -> tuple[str, str, str]:
        xaddr, wsdl, binding = super().get_definition(name, port_type)
        return (self.device_xaddr if name == "devicemgmt" else xaddr), wsdl, binding


def _plain(value: Any) -> Any:
    """A zeep answer as plain dicts and lists (attribute access on a missing field raises)."""
    return zeep.helpers.serialize_object(value, dict)  # type: ignore[no-untyped-call]


def _at(data: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(data, Mapping):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int):
            data = data[key] if -len(data) <= key < len(data) else None
        else:
            return None
    return data


def _span(data: Any) -> Span | None:
    low, high = _at(data, "Min"), _at(data, "Max")
    if low is None or high is None:
        return None
    return Span(min=float(low), max=float(high))


def _device_info(raw: Any) -> DeviceInfo:
    data = _plain(raw)
    if not _at(data, "Manufacturer") or not _at(data, "Model"):
        raise OnvifProbeError("malformed", "GetDeviceInformation named no manufacturer or model")
    return DeviceInfo(
        manufacturer=str(data["Manufacturer"]).strip(),
        model=str(data["Model"]).strip(),
        firmware=_at(data, "FirmwareVersion"),
        serial=_at(data, "SerialNumber"),
    )


def media_profile(raw: Mapping[str, Any]) -> MediaProfile:
    """One profile of a ``GetProfiles`` answer (as plain dicts), typed."""
    token = _at(raw, "token")
    if not token:
        raise OnvifProbeError("malformed", "GetProfiles returned a profile without a token")
    encoder = _at(raw, "VideoEncoderConfiguration")
    width, height = _at(encoder, "Resolution", "Width"), _at(encoder, "Resolution", "Height")
    return MediaProfile(
        token=str(token),
        name=_at(raw, "Name"),
        encoding=_at(encoder, "Encoding"),
        width_px=None if width is None else int(width),
        height_px=None if height is None else int(height),
        ptz_node=_at(raw, "PTZConfiguration", "NodeToken"),
        source_token=_at(raw, "VideoSourceConfiguration", "SourceToken"),
    )


def _uri(raw: Any, *, operation: str, schemes: tuple[str, ...]) -> str:
    uri = _at(_plain(raw), "Uri")
    if not isinstance(uri, str) or urlsplit(uri.strip()).scheme.lower() not in schemes:
        raise OnvifProbeError(
            "malformed", f"{operation} answered {uri!r}, not a {'/'.join(schemes)} URI"
        )
    # Some firmwares put the account into the URI; it never goes into the registry.
    return split_userinfo(uri.strip())[0]


def channel_profiles(profiles: list[MediaProfile], channel: int | None) -> list[MediaProfile]:
    """The profiles of an NVR's video channel ``channel`` (1, 2, ...; None: all of them).

    An NVR lists one video source per channel, each with its own profiles (main, sub); the
    channels are numbered in the order their sources first appear.

    Examples
    --------
    >>> nvr = [MediaProfile(token=f"{c}{s}", source_token=f"VS{c}") for c in (1, 2) for s in "ms"]
    >>> [p.token for p in channel_profiles(nvr, 2)]
    ['2m', '2s']
    >>> channel_profiles(nvr, 3)
    Traceback (most recent call last):
    ...
    camroute.cameras.onvif_client.OnvifProbeError: the device has 2 video channels, not channel 3
    """
    if channel is None:
        return profiles
    sources = list(dict.fromkeys(p.source_token for p in profiles))
    if channel > len(sources):
        raise OnvifProbeError(
            "no_channel", f"the device has {len(sources)} video channels, not channel {channel}"
        )
    return [p for p in profiles if p.source_token == sources[channel - 1]]


async def _media(camera: _Camera, channel: int | None) -> list[MediaProfile]:
    media = await camera.create_media_service()
    raw = _plain(await media.GetProfiles())
    if not isinstance(raw, list) or not raw:
        raise OnvifProbeError("malformed", "GetProfiles returned no media profile")
    profiles = []
    for profile in channel_profiles([media_profile(item) for item in raw], channel):
        stream = await media.GetStreamUri(
            {"StreamSetup": STREAM_SETUP, "ProfileToken": profile.token}
        )
        snapshot = None
        try:
            answer = await media.GetSnapshotUri({"ProfileToken": profile.token})
            snapshot = _uri(answer, operation="GetSnapshotUri", schemes=("http", "https"))
        except zeep.exceptions.Fault:
            pass  # snapshots are optional in ONVIF Profile S
        stream_uri = _uri(stream, operation="GetStreamUri", schemes=("rtsp", "rtsps"))
        profiles.append(
            profile.model_copy(update={"stream_uri": stream_uri, "snapshot_uri": snapshot})
        )
    return profiles


def _node_spaces(node: Any) -> PtzSpaces:
    spaces = _at(node, "SupportedPTZSpaces")
    pan_tilt = _at(spaces, "AbsolutePanTiltPositionSpace", 0)
    zoom = _at(spaces, "AbsoluteZoomPositionSpace", 0)
    presets = _at(node, "MaximumNumberOfPresets")
    return PtzSpaces(
        node_token=str(_at(node, "token")),
        pan_tilt_space=_at(pan_tilt, "URI"),
        pan=_span(_at(pan_tilt, "XRange")),
        tilt=_span(_at(pan_tilt, "YRange")),
        zoom_space=_at(zoom, "URI"),
        zoom=_span(_at(zoom, "XRange")),
        home_supported=_at(node, "HomeSupported"),
        max_presets=None if presets is None else int(presets),
    )


async def _ptz(camera: _Camera, profiles: list[MediaProfile]) -> PtzSpaces | None:
    """The PTZ node the profiles drive, or None for a camera that cannot move."""
    wanted = next((p.ptz_node for p in profiles if p.ptz_node), None)
    try:
        service = await camera.create_ptz_service()
    except ONVIFError:  # the device lists no PTZ service
        return None
    try:
        nodes = _plain(await service.GetNodes())
    except zeep.exceptions.Fault:
        return None
    if not isinstance(nodes, list) or not nodes:
        return None
    node = next((n for n in nodes if _at(n, "token") == wanted), nodes[0])
    spaces = _node_spaces(node)
    return spaces if spaces.pan is not None or spaces.zoom is not None else None


def choose_streams(profiles: list[MediaProfile]) -> tuple[str | None, str | None]:
    """Tokens of the main stream (most pixels) and the sub-stream (fewest, H.264 first).

    Examples
    --------
    >>> main = MediaProfile(token="a", encoding="H265", width_px=2560, height_px=1440)
    >>> sub = MediaProfile(token="b", encoding="H264", width_px=640, height_px=360)
    >>> choose_streams([sub, main])
    ('a', 'b')
    >>> choose_streams([main])
    ('a', None)
    """
    if not profiles:
        return None, None
    main = max(profiles, key=lambda p: p.pixels)
    # A profile streaming the main stream's own URI is no sub-stream.
    others = [
        p
        for p in profiles
        if p.token != main.token and (p.stream_uri is None or p.stream_uri != main.stream_uri)
    ]
    others.sort(key=lambda p: ((p.encoding or "").upper() != "H264", p.pixels))
    return main.token, (others[0].token if others else None)


async def _ask(camera: _Camera, channel: int | None) -> OnvifDevice:
    await camera.update_xaddrs()
    devicemgmt = await camera.create_devicemgmt_service()
    info = _device_info(await devicemgmt.GetDeviceInformation())
    profiles = await _media(camera, channel)
    main, sub = choose_streams(profiles)
    ptz = await _ptz(camera, profiles)
    return OnvifDevice(info=info, profiles=profiles, main_token=main, sub_token=sub, ptz=ptz)


def _fault_error(fault: zeep.exceptions.Fault) -> OnvifProbeError:
    codes = " ".join(str(c) for c in [fault.code, *(fault.subcodes or [])]).lower()
    message = (fault.message or "").strip()
    if any(word in f"{codes} {message.lower()}" for word in _AUTH_FAULTS):
        return OnvifProbeError(
            "not_authorized", f"the camera refused the ONVIF username/password ({message})"
        )
    return OnvifProbeError("refused", f"the camera answered a SOAP fault: {message[:200]}")


def explain(exc: BaseException, *, timeout_s: float) -> OnvifProbeError:
    """The probe error for whatever the client library raised."""
    if isinstance(exc, OnvifProbeError):
        return exc
    if isinstance(exc, TimeoutError | ONVIFTimeoutError | asyncio.TimeoutError):
        return OnvifProbeError("timeout", f"no complete answer within {timeout_s:g} s")
    if isinstance(exc, zeep.exceptions.Fault):
        return _fault_error(exc)
    if isinstance(exc, ONVIFAuthError) or (
        isinstance(exc, zeep.exceptions.TransportError) and exc.status_code in (401, 403)
    ):
        return OnvifProbeError("not_authorized", "the camera refused the ONVIF credentials")
    if isinstance(exc, zeep.exceptions.TransportError) and 200 <= exc.status_code < 300:
        return OnvifProbeError("malformed", f"the camera's answer is not valid ONVIF: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError | ConnectionError):
        return OnvifProbeError("unreachable", f"cannot connect: {exc.strerror or exc}")
    if isinstance(exc, aiohttp.ClientError | zeep.exceptions.TransportError | OSError):
        return OnvifProbeError("unreachable", f"the connection failed: {exc}")
    if isinstance(exc, zeep.exceptions.Error | ValueError | TypeError | KeyError):
        return OnvifProbeError("malformed", f"the camera's answer is not valid ONVIF: {exc}")
    if isinstance(exc, ONVIFError):
        return OnvifProbeError("refused", str(exc).removeprefix("Unknown error: "))
    raise exc


async def load_wsdls(names: tuple[str, ...] = ("devicemgmt", "media", "ptz")) -> None:
    """Parse the bundled WSDLs the probe uses, once per process (about a second of CPU).

    Done before the cameras are asked, so the first camera's timeout measures the camera.
    """
    for name in names:
        definition = SERVICES[name]
        binding = f"{{{definition['ns']}}}{definition['binding']}"
        wsdl = f"{_WSDL_PATH}/{definition['wsdl']}"
        service = ONVIFService("http://127.0.0.1/", None, None, wsdl, binding_name=binding)
        try:
            await service.setup()
        finally:
            await service.close()


async def probe_device(
    url: str,
    *,
    username: str | None,
    password: str | None,
    timeout_s: float = 10.0,
    channel: int | None = None,
) -> OnvifDevice:
    """What the ONVIF device at ``url`` says about itself, within ``timeout_s`` in all.

    ``channel``: the camera is that video channel of an NVR; only its profiles are kept.
    """
    camera = _Camera(url, username, password)
    try:
        async with asyncio.timeout(timeout_s):
            return await _ask(camera, channel)
    except Exception as exc:
        raise explain(exc, timeout_s=timeout_s) from exc
    finally:
        await camera.close()
