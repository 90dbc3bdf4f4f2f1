"""A simulated RTSP camera (GStreamer's RTSP server): a drawn test pattern, H.264 or H.265.

Run by the system Python (``/usr/bin/python3``), where Debian's ``python3-gst-1.0`` and
``gir1.2-gst-rtsp-server-1.0`` live, never imported by camroute: it imports nothing of it.
Each camera id gets three mounts, laid out like a Hikvision camera so the vendor sub-stream
rule applies::

    /cameras/<id>/Streaming/Channels/101   main stream (H.264, or H.265 with --h265 <id>)
    /cameras/<id>/Streaming/Channels/102   sub-stream, always H.264, half size
    /cameras/<id>/live                      the main stream again, with no sub-stream rule

A frame is videotestsrc's pattern with the camera id and the UTC clock burnt in (no people).
Every mount asks for RTSP Digest auth when ``--user`` is given. One pipeline per mount is
shared by its clients. Progress goes to stdout as JSON lines the tests read: ``ready`` (with
the bound port) and ``clients`` (how many RTSP connections are open, after each change).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

GLib: Any = None
Gst: Any = None
GstRtsp: Any = None
GstRtspServer: Any = None

ENCODERS = {
    "h264": (
        "x264enc tune=zerolatency speed-preset=ultrafast bitrate={kbit} key-int-max={gop} "
        "! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
    ),
    "h265": (
        "x265enc tune=zerolatency speed-preset=ultrafast bitrate={kbit} key-int-max={gop} "
        "! rtph265pay name=pay0 pt=96 config-interval=1"
    ),
}


def load_gst() -> None:
    """Import GStreamer (late: the module imports anywhere, e.g. for the doctests)."""
    global GLib, Gst, GstRtsp, GstRtspServer
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtsp", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtsp, GstRtspServer


def say(event: str, **fields: object) -> None:
    """One JSON line on stdout, flushed at once (the parent reads it live)."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def launch_line(
    camera_id: str, *, codec: str, width: int, height: int, fps: int, kbit: int, pattern: str
) -> str:
    """The pipeline of one mount: pattern, id and clock, encoder, RTP payloader."""
    label = camera_id.replace('"', "")
    caps = f"video/x-raw,width={width},height={height},framerate={fps}/1"
    encoder = ENCODERS[codec].format(kbit=kbit, gop=fps)
    return (
        f"( videotestsrc is-live=true pattern={pattern} ! {caps} "
        f'! clockoverlay text="{label}" time-format="%H:%M:%S" halignment=left '
        f'valignment=top font-desc="Sans 14" ! videoconvert ! video/x-raw,format=I420 ! {encoder} )'
    )


def _camera_clock(source: str) -> Any:
    """A ``media-configure`` handler: the RTCP sender reports' NTP times come from ``source``.

    ``running-time`` (seconds since the stream started, i.e. early 1900) plays a camera whose
    clock was never set; the default ``ntp`` is this machine's clock.
    """

    def added(_bin: object, _sub: object, element: Any) -> None:
        if element.get_factory() and element.get_factory().get_name() == "rtpbin":
            element.set_property("ntp-time-source", source)

    def configure(_factory: object, media: Any) -> None:
        media.get_element().get_parent().connect("deep-element-added", added)

    return configure


def factory(line: str, *, with_auth: bool, clock: str = "ntp") -> Any:
    made = GstRtspServer.RTSPMediaFactory()
    made.set_launch(line)
    made.set_shared(True)
    if clock != "ntp":
        made.connect("media-configure", _camera_clock(clock))
    if with_auth:
        allowed = GstRtspServer.RTSPPermissions()
        allowed.add_role("viewer")
        allowed.add_permission_for_role("viewer", "media.factory.access", True)
        allowed.add_permission_for_role("viewer", "media.factory.construct", True)
        made.set_permissions(allowed)
    return made


def digest_auth(user: str, password: str) -> Any:
    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "viewer")
    auth.add_digest(user, password, token)
    return auth


class Counter:
    """Open RTSP connections, reported on every change."""

    def __init__(self) -> None:
        self.clients = 0
        self.total = 0

    def connected(self, _server: object, client: Any) -> None:
        self.clients += 1
        self.total += 1
        client.connect("closed", self.closed)
        say("clients", clients=self.clients, total=self.total)

    def closed(self, _client: object) -> None:
        self.clients -= 1
        say("clients", clients=self.clients, total=self.total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (see 'ready')")
    parser.add_argument("--ids", required=True, help="comma-separated camera ids")
    parser.add_argument("--h265", action="append", default=[], help="id with an H.265 main")
    parser.add_argument(
        "--unset-clock", action="append", default=[], help="id whose RTCP clock was never set"
    )
    parser.add_argument("--user")
    parser.add_argument("--password", default="")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--kbit", type=int, default=400, help="main-stream bitrate")
    parser.add_argument(
        "--pattern", default="smpte", help="videotestsrc pattern (snow: fills the bitrate)"
    )
    args = parser.parse_args(argv)
    load_gst()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    if args.user:
        server.set_auth(digest_auth(args.user, args.password))
    mounts = server.get_mount_points()
    size = {"width": args.width, "height": args.height, "fps": args.fps, "pattern": args.pattern}
    for camera_id in [i.strip() for i in args.ids.split(",") if i.strip()]:
        main_codec = "h265" if camera_id in args.h265 else "h264"
        main = launch_line(camera_id, codec=main_codec, kbit=args.kbit, **size)
        half = {**size, "width": args.width // 4 * 2, "height": args.height // 4 * 2}
        sub = launch_line(camera_id, codec="h264", kbit=max(args.kbit // 4, 64), **half)
        base = f"/cameras/{camera_id}"
        clock = "running-time" if camera_id in args.unset_clock else "ntp"
        for path, line in ((f"{base}/Streaming/Channels/101", main), (f"{base}/live", main)):
            mounts.add_factory(path, factory(line, with_auth=bool(args.user), clock=clock))
        mounts.add_factory(
            f"{base}/Streaming/Channels/102", factory(sub, with_auth=bool(args.user))
        )
    counter = Counter()
    server.connect("client-connected", counter.connected)
    if not server.attach(None):
        say("failed", reason=f"cannot listen on {args.host}:{args.port}")
        return 1
    say("ready", port=server.get_bound_port())
    loop = GLib.MainLoop()
    parent = os.getppid()

    def orphaned() -> bool:  # the parent died without stopping us: stop too
        if os.getppid() != parent:
            loop.quit()
        return True

    GLib.timeout_add_seconds(1, orphaned)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
