"""Video tiles in Chromium from a real RTSP camera (GStreamer, Digest auth): MSE playback of the
relay's fMP4, the frame age, STALE when the camera dies, H.265 -> sub-stream -> snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.live.rtsp_fixtures import RTSP_PASSWORD, RTSP_USER, require_gstreamer
from tests.web.conftest import CALLER, M_PER_DEG_LAT, Stack, placed_camera

from camroute.cameras.onvif_model import DeviceInfo, MediaProfile, OnvifDevice
from camroute.cameras.onvif_store import save_device
from camroute.cameras.store import insert_camera, set_credentials
from camroute.sim.rtsp import RtspCamera

pytestmark = pytest.mark.browser
# 1.1 km north of the other tests' caller: these cameras never rank for their incidents.
HERE = {**CALLER, "lat": CALLER["lat"] + 1100 / M_PER_DEG_LAT}


@dataclass
class Cameras:
    steady: RtspCamera
    dying: RtspCamera


def _video_camera(camera_id: str, south_m: float, rtsp_url: str, sim: str) -> dict[str, Any]:
    cam = placed_camera(camera_id, south_m=south_m, sim=sim, rtsp_url=rtsp_url)
    return {**cam, "lat": HERE["lat"] - south_m / M_PER_DEG_LAT, "mjpeg_url": None}


@pytest.fixture(scope="module")
def cameras(stack: Stack) -> Iterator[Cameras]:
    require_gstreamer()
    steady = RtspCamera(
        ["WV-264", "WV-265", "WV-UNSET"],
        h265_ids=["WV-265"],
        unset_clock_ids=["WV-UNSET"],
        user=RTSP_USER,
        password=RTSP_PASSWORD,
    ).start()
    dying = RtspCamera(["WV-DIES"], user=RTSP_USER, password=RTSP_PASSWORD).start()
    rows = [
        _video_camera("WV-264", 30, steady.url("WV-264"), stack.sim_url),
        _video_camera("WV-265", 32, steady.url("WV-265"), stack.sim_url),  # has a sub-stream
        _video_camera("WV-265-ONLY", 34, steady.url("WV-265", "live"), stack.sim_url),
        _video_camera("WV-DIES", 36, dying.url("WV-DIES"), stack.sim_url),
        _video_camera("WV-265-PROBED", 38, steady.url("WV-265"), stack.sim_url),
        _video_camera("WV-UNSET", 40, steady.url("WV-UNSET"), stack.sim_url),
    ]
    engine = stack.app.state.engine
    with engine.begin() as conn:
        for row in rows:
            insert_camera(conn, row, actor="test")
            set_credentials(conn, row["id"], username=RTSP_USER, password=RTSP_PASSWORD)
        save_device(conn, "WV-265-PROBED", _probed(steady), at=datetime.now(UTC))
    stack.app.state.camera_index.wait()
    stack.app.state.camera_index.rebuild(engine, viewsheds=False)
    yield Cameras(steady=steady, dying=dying)
    steady.stop()
    dying.stop()


def _probed(cam: RtspCamera) -> OnvifDevice:
    """What the camera's ONVIF profiles would say: H.265 main, H.264 sub."""
    uris = {"H265": cam.url("WV-265"), "H264": cam.url("WV-265", "Streaming/Channels/102")}
    profiles = [MediaProfile(token=k, encoding=k, stream_uri=v) for k, v in uris.items()]
    info = DeviceInfo(manufacturer="Hikvision", model="DS-2CD2T47")
    return OnvifDevice(info=info, profiles=profiles, main_token="H265", sub_token="H264")


def _open(page: Any, ui: Any, login: Any, stack: Stack, camera_id: str) -> str:
    incident = stack.post_call(hotline="113", location=HERE)
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live(camera_id)
    return f"#tiles .tile[data-camera='{camera_id}']"


def _current_time(page: Any, tile: str) -> float:
    return float(page.evaluate(f'document.querySelector("{tile} video").currentTime'))


def test_video_tile_plays_the_rtsp_camera_and_shows_its_frame_age(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    tile = _open(page, ui, login, stack, "WV-264")
    page.wait_for_selector(f"{tile} video:not([hidden])", timeout=8000)
    page.wait_for_function(
        f'document.querySelector("{tile} video")?.currentTime > 0.3', timeout=8000
    )
    # From asking for the view to the first frame playing (the page's own measure; its
    # figures are in docs/PERFORMANCE.md, the test only checks it is taken).
    start_ms = page.evaluate("window.camrouteMetrics.videoStartMs")
    assert len(start_ms) == 1
    assert start_ms[0] > 0
    assert abs(start_ms[0] - float(page.get_attribute(tile, "data-start-ms") or "nan")) < 1
    print(f"video_start_ms {start_ms[0]:.0f}")  # shown with -s
    first = _current_time(page, tile)
    # Playing on: half a second more of the camera's video. Not timed against the wall clock:
    # right after the tile catches up to the live edge it may wait there for the next frames.
    page.wait_for_function(
        f'document.querySelector("{tile} video").currentTime > {first + 0.5}', timeout=5000
    )
    age_s = float(page.get_attribute(f"{tile} .age", "data-age-s") or "nan")
    assert 0.0 <= age_s < 1.0
    assert page.is_hidden(f"{tile} img")
    assert "stale" not in (page.get_attribute(tile, "class") or "")


def test_video_tile_ages_frames_on_the_cameras_clock(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    tile = _open(page, ui, login, stack, "WV-264")
    page.wait_for_selector(f"{tile} .age[data-clock='camera']", timeout=8000)
    assert "theo đồng hồ camera" in page.inner_text(f"{tile} .age")
    age_s = float(page.get_attribute(f"{tile} .age", "data-age-s") or "nan")
    assert 0.0 <= age_s < 1.5  # capture to arrival counts too, on a clock that agrees
    assert "amber" not in (page.get_attribute(tile, "class") or "")


def test_a_camera_clock_a_century_off_is_named_and_not_used(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    tile = _open(page, ui, login, stack, "WV-UNSET")
    page.wait_for_selector(f"{tile} .age[data-clock='off']", timeout=8000)
    assert "đồng hồ camera lệch" in page.inner_text(f"{tile} .age")
    age_s = float(page.get_attribute(f"{tile} .age", "data-age-s") or "nan")
    assert 0.0 <= age_s < 1.0  # aged by arrival instead
    assert "stale" not in (page.get_attribute(tile, "class") or "")


def test_video_tile_turns_stale_within_6_s_of_the_camera_dying(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    tile = _open(page, ui, login, stack, "WV-DIES")
    page.wait_for_function(
        f'document.querySelector("{tile} video")?.currentTime > 0.3', timeout=8000
    )
    cameras.dying.kill()
    page.wait_for_selector(f"{tile}.stale", timeout=6000)
    assert "CŨ" in page.inner_text(f"{tile} .age")


def test_h265_the_browser_cannot_play_falls_back_to_the_h264_sub_stream(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    if page.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"hev1.1.6.L93.B0\"')"):
        pytest.skip("this Chromium plays H.265 itself")
    tile = _open(page, ui, login, stack, "WV-265")
    page.wait_for_function(
        f'document.querySelector("{tile} video")?.currentTime > 0.3', timeout=10000
    )
    assert page.is_hidden(f"{tile} .note")


def test_h265_stated_by_onvif_plays_the_sub_stream_without_opening_the_main(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    if page.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"hvc1.1.6.L93.B0\"')"):
        pytest.skip("this Chromium plays H.265 itself")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "video.mp4" in r.url else None)
    tile = _open(page, ui, login, stack, "WV-265-PROBED")
    page.wait_for_function(
        f'document.querySelector("{tile} video")?.currentTime > 0.3', timeout=10000
    )
    assert asked
    assert all(url.endswith("video.mp4?h265=0") for url in asked), asked
    assert "WV-265-PROBED/main" not in stack.app.state.video_hub.codecs
    assert "WV-265-PROBED/sub" in stack.app.state.video_hub.codecs


def test_h265_without_a_sub_stream_shows_snapshots_and_says_why(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    if page.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"hev1.1.6.L93.B0\"')"):
        pytest.skip("this Chromium plays H.265 itself")
    tile = _open(page, ui, login, stack, "WV-265-ONLY")
    ui.wait_for_frame(tile)
    note = page.inner_text(f"{tile} .note")
    assert note == "H.265 không phát được trên trình duyệt này — đang dùng ảnh tĩnh"
    assert page.is_hidden(f"{tile} video")


def test_video_tile_plays_under_the_pages_own_csp(
    page: Any, ui: Any, login: Any, stack: Stack, cameras: Cameras
) -> None:
    """MSE plays from a blob: URL, which the page's CSP must allow as media (and nothing more)."""
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    tile = _open(page, ui, login, stack, "WV-264")
    page.wait_for_selector(f"{tile} video:not([hidden])", timeout=8000)
    times = []
    for _ in range(30):
        times.append(_current_time(page, tile))
        if times[-1] > 0.5:
            break
        ui.pause(200)
    assert times[-1] > 0.5, times
    assert not violations
