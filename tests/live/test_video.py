"""The RTSP video relay against a real RTSP server (GStreamer, Digest auth) on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import psutil
import pytest
import sqlalchemy as sa
from tests.live.conftest import CALLER, LOOPBACK, add_cameras, camera, make_api
from tests.live.rtsp_fixtures import (
    RTSP_PASSWORD,
    RTSP_USER,
    annexb_nals,
    h264_type,
    length_prefixed_nals,
    require_gstreamer,
)

from camroute.app import create_app
from camroute.audit.tables import audit_events as audit_log
from camroute.cameras.store import set_credentials
from camroute.live.fmp4 import BoxSplitter, fragment, samples
from camroute.live.hub import VideoHub
from camroute.live.source import VideoSource
from camroute.settings import Settings
from camroute.sim.rtsp import RtspCamera
from camroute.sim.server import serve_in_thread

LINGER_S = 0.5


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspCamera]:
    require_gstreamer()
    cam = RtspCamera(
        ["V-264", "V-265", "V-PLAIN"], h265_ids=["V-265"], user=RTSP_USER, password=RTSP_PASSWORD
    )
    cam.start()
    yield cam
    cam.stop()


@dataclass
class Served:
    url: str
    app: Any
    keys: dict[str, dict[str, str]] = field(default_factory=dict)

    def view(self, camera_id: str, *, call_id: str) -> dict[str, Any]:
        body = {"call_id": call_id, "hotline": "115", "location": CALLER}
        incident = httpx.post(f"{self.url}/api/calls", json=body, headers=self.keys["cad"])
        assert incident.status_code == 201, incident.text
        return self.view_of(incident.json()["id"], camera_id)

    def view_of(self, incident_id: str, camera_id: str) -> dict[str, Any]:
        view = httpx.post(
            f"{self.url}/api/incidents/{incident_id}/views",
            json={"camera_id": camera_id, "purpose": "check the scene"},
            headers=self.keys["ann"],
        )
        assert view.status_code == 201, view.text
        return dict(view.json())


@pytest.fixture(scope="module")
def served(rtsp: RtspCamera, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("video") / "camroute.db"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db}",
        camera_networks=LOOPBACK,
        live_video_linger_s=LINGER_S,
        live_max_views_per_user=50,
    )
    app = create_app(settings)
    with serve_in_thread(app, lifespan="on") as url:
        plain = "http://127.0.0.1:9/none"
        add_cameras(
            app,
            [
                camera("V-264", south_m=30, base=plain, rtsp_url=rtsp.url("V-264")),
                camera("V-265", south_m=31, base=plain, rtsp_url=rtsp.url("V-265")),
                camera("V-PLAIN", south_m=32, base=plain, rtsp_url=rtsp.url("V-265", "live")),
                camera("V-WRONG", south_m=33, base=plain, rtsp_url=rtsp.url("V-264")),
                camera("V-NONE", south_m=34, base=plain),
            ],
        )
        with app.state.engine.begin() as conn:
            for camera_id in ("V-264", "V-265", "V-PLAIN"):
                set_credentials(conn, camera_id, username=RTSP_USER, password=RTSP_PASSWORD)
            set_credentials(conn, "V-WRONG", username=RTSP_USER, password="wrong-Pa55word")
        keys = make_api(app, None).keys  # type: ignore[arg-type]
        yield Served(url=url, app=app, keys=keys)


@dataclass
class Reading:
    """What one viewer read from the relay in a thread."""

    headers: dict[str, str] = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)
    status: int = 0


def read_video(url: str, seconds: float, *, out: Reading | None = None) -> Reading:
    out = out or Reading()
    with httpx.stream("GET", url, timeout=10.0) as response:
        deadline = time.monotonic() + seconds  # from the first byte: opening takes a while
        out.status, out.headers = response.status_code, dict(response.headers)
        for chunk in response.iter_raw():
            out.body += chunk
            if time.monotonic() > deadline:
                break
    return out


def in_thread(url: str, seconds: float) -> tuple[threading.Thread, Reading]:
    out = Reading()
    thread = threading.Thread(target=read_video, args=(url, seconds), kwargs={"out": out})
    thread.start()
    return thread, out


def delivered_nals(body: bytes) -> list[bytes]:
    boxes = [b for b in BoxSplitter().feed(body) if b.kind != "prft"]  # the camera's clock
    assert [b.kind for b in boxes[:2]] == ["ftyp", "moov"]
    frags = [fragment(m, d) for m, d in zip(boxes[2::2], boxes[3::2], strict=False)]
    assert frags
    assert frags[0].keyframe, "a viewer starts at a keyframe"
    return [nal for f in frags for s in samples(f) for nal in length_prefixed_nals(s)]


def test_delivered_h264_nal_units_are_the_cameras_own_bytes(
    served: Served, rtsp: RtspCamera
) -> None:
    view = served.view("V-264", call_id="V-BYTES")
    thread, relayed = in_thread(served.url + view["video_url"], 4.0)
    time.sleep(1.0)  # the relay's upstream is up; now read the camera directly as well
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg
    direct = subprocess.run(
        [
            *(ffmpeg, "-hide_banner", "-loglevel", "error", "-rtsp_transport", "tcp"),
            *("-i", rtsp.url("V-264").replace("rtsp://", f"rtsp://{_userinfo()}@")),
            *("-t", "2", "-c", "copy", "-f", "h264", "pipe:1"),
        ],
        capture_output=True,
        timeout=20,
        check=True,
    ).stdout
    thread.join()
    assert relayed.status == 200
    assert relayed.headers["x-video-codec"].startswith("avc1.")
    slices = [n for n in delivered_nals(bytes(relayed.body)) if h264_type(n) in (1, 5)]
    camera_slices = {n for n in annexb_nals(direct) if h264_type(n) in (1, 5)}
    common = [n for n in slices if n in camera_slices]
    assert len(camera_slices) >= 10
    assert len(common) >= 10, f"{len(common)} of {len(slices)} slices match the camera's"


def _userinfo() -> str:
    return f"{RTSP_USER}:{quote(RTSP_PASSWORD, safe='')}"


def test_two_viewers_share_one_rtsp_session_closed_after_the_last(
    served: Served, rtsp: RtspCamera
) -> None:
    assert rtsp.wait_clients(0)
    hub = served.app.state.video_hub
    before_total, before_opened = rtsp.total, hub.opened
    views = [served.view("V-264", call_id=f"V-TWO-{i}") for i in range(2)]
    readers = [in_thread(served.url + v["video_url"], 2.5) for v in views]
    time.sleep(1.5)
    assert rtsp.clients == 1
    assert rtsp.total == before_total + 1
    assert hub.opened == before_opened + 1
    remuxers = [p for p in psutil.process_iter(["name", "cmdline"]) if p.info["name"] == "ffmpeg"]
    assert remuxers, "the relay's ffmpeg is running"
    for proc in remuxers:  # the camera's URL and password are on stdin, not the command line
        assert not [a for a in proc.info["cmdline"] or [] if "rtsp://" in a or "s3cret" in a]
    for thread, reading in readers:
        thread.join()
        assert reading.status == 200
        assert len(reading.body) > 10_000
    assert rtsp.wait_clients(0, timeout_s=LINGER_S + 4.0)


def test_h265_main_stream_names_hevc_and_its_sub_stream_is_h264(served: Served) -> None:
    view = served.view("V-265", call_id="V-HEVC")
    main = read_video(served.url + view["video_url"], 0.5)
    sub = read_video(served.url + view["video_url"] + "?stream=sub", 0.5)
    assert (main.status, sub.status) == (200, 200)
    assert main.headers["x-video-codec"].startswith(("hev1.", "hvc1."))
    assert sub.headers["x-video-codec"].startswith("avc1.")
    assert sub.headers["content-type"].startswith("video/mp4")


@pytest.mark.parametrize(
    ("camera_id", "query", "code"),
    [("V-PLAIN", "?stream=sub", "no_sub_stream"), ("V-NONE", "", "no_video")],
)
def test_missing_streams_are_404_problems(
    served: Served, camera_id: str, query: str, code: str
) -> None:
    view = served.view(camera_id, call_id=f"V-404-{camera_id}")
    response = httpx.get(served.url + view["video_url"] + query, timeout=10.0)
    assert response.status_code == 404
    assert response.json()["code"] == code


def test_a_refused_password_is_unreachable_and_never_logged(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    view = served.view("V-WRONG", call_id="V-WRONG")
    with caplog.at_level(logging.WARNING):
        response = httpx.get(served.url + view["video_url"], timeout=20.0)
        time.sleep(0.3)  # ffmpeg's last words reach the log
    assert response.status_code == 502
    assert response.json()["code"] == "camera_unreachable"
    assert "rtsp" not in response.text
    ffmpeg_lines = [r.getMessage() for r in caplog.records if "ffmpeg" in r.getMessage()]
    assert ffmpeg_lines, "ffmpeg's refusal is logged"
    assert not [line for line in ffmpeg_lines if "wrong-Pa55word" in line]
    assert any("***" in line for line in ffmpeg_lines)


def test_a_video_stream_close_is_audited_with_bytes_and_duration(served: Served) -> None:
    view = served.view("V-264", call_id="V-AUDIT")
    reading = read_video(served.url + view["video_url"], 1.0)
    query = sa.select(audit_log.c.action, audit_log.c.details).where(
        audit_log.c.subject == "V-264", audit_log.c.incident_id == view["incident_id"]
    )
    deadline = time.monotonic() + 5.0
    closed: list[Any] = []
    while not closed and time.monotonic() < deadline:
        with served.app.state.engine.connect() as conn:
            rows = conn.execute(query).all()
        closed = [r for r in rows if r.action == "stream_closed"]
        time.sleep(0.1)
    assert closed, rows
    details = closed[0].details
    details = details if isinstance(details, dict) else json.loads(details)
    assert details["kind"] == "video"
    assert 0 < details["bytes"] <= len(reading.body) + 1_000_000
    assert details["duration_s"] >= 0.9
    assert "opened" in " ".join(r.action for r in rows)


def test_viewers_arriving_together_start_one_upstream(rtsp: RtspCamera) -> None:
    """Six viewers join at the same instant: one ffmpeg, one RTSP session."""

    async def together() -> tuple[int, list[str]]:
        hub = VideoHub(linger_s=0.1)
        source = VideoSource(rtsp.url("V-264"), RTSP_USER, RTSP_PASSWORD)
        viewers = await asyncio.gather(*(hub.join("V-264/main", source) for _ in range(6)))
        codecs = [v.feed.codec for v in viewers]
        opened = hub.opened
        await hub.aclose()
        return opened, codecs

    assert rtsp.wait_clients(0, timeout_s=LINGER_S + 4.0)
    before = rtsp.total
    opened, codecs = asyncio.run(together())
    assert opened == 1
    assert len(set(codecs)) == 1
    assert rtsp.total == before + 1


def test_closing_the_incident_ends_the_video_and_then_the_rtsp_session(
    served: Served, rtsp: RtspCamera
) -> None:
    assert rtsp.wait_clients(0, timeout_s=LINGER_S + 4.0)
    view = served.view("V-264", call_id="V-CLOSE")
    thread, reading = in_thread(served.url + view["video_url"], 60.0)
    assert rtsp.wait_clients(1)
    deadline = time.monotonic() + 10.0
    while len(reading.body) < 10_000 and time.monotonic() < deadline:  # frames flow
        time.sleep(0.1)
    closed = httpx.patch(
        f"{served.url}/api/incidents/{view['incident_id']}",
        json={"status": "closed"},
        headers=served.keys["ann"],
    )
    assert closed.status_code == 200
    thread.join(timeout=5.0)
    assert not thread.is_alive(), "the stream outlived its incident"
    assert reading.status == 200
    assert len(reading.body) >= 10_000
    assert rtsp.wait_clients(0, timeout_s=LINGER_S + 4.0)
