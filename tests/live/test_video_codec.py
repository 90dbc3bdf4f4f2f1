"""Which stream a browser without H.265 gets, against a real RTSP server (GStreamer): an H.265
main and an H.264 sub-stream. With the ONVIF profiles stored, the main stream is never opened."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from tests.live.conftest import LOOPBACK, add_cameras, camera, make_api
from tests.live.rtsp_fixtures import RTSP_PASSWORD, RTSP_USER, require_gstreamer
from tests.live.test_video import Served, read_video

from camroute.app import create_app
from camroute.cameras.onvif_model import DeviceInfo, MediaProfile, OnvifDevice
from camroute.cameras.onvif_store import save_device
from camroute.cameras.store import set_credentials
from camroute.cameras.tables import cameras
from camroute.settings import Settings
from camroute.sim.rtsp import RtspCamera
from camroute.sim.server import serve_in_thread

HEVC = ("hev1.", "hvc1.")
CALLS = itertools.count()


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspCamera]:
    require_gstreamer()
    cam = RtspCamera(["C-265"], h265_ids=["C-265"], user=RTSP_USER, password=RTSP_PASSWORD)
    cam.start()
    yield cam
    cam.stop()


def _device(main_uri: str, sub_uri: str, *, sub_encoding: str = "H264") -> OnvifDevice:
    profiles = [
        MediaProfile(token="m", encoding="H265", width_px=320, height_px=240, stream_uri=main_uri),
        MediaProfile(
            token="s", encoding=sub_encoding, width_px=160, height_px=120, stream_uri=sub_uri
        ),
    ]
    info = DeviceInfo(manufacturer="Hikvision", model="DS-2CD2T47")
    return OnvifDevice(info=info, profiles=profiles, main_token="m", sub_token="s")


@pytest.fixture(scope="module")
def served(rtsp: RtspCamera, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("codec") / "camroute.db"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db}",
        camera_networks=LOOPBACK,
        live_video_linger_s=0.5,
        live_max_views_per_user=50,
    )
    app = create_app(settings)
    main, plain = rtsp.url("C-265"), rtsp.url("C-265", "live")
    sub = rtsp.url("C-265", "Streaming/Channels/102")
    rows = {
        "C-PROFILED": (main, _device(main, sub)),  # stated: H.265 main, H.264 sub
        "C-UNKNOWN": (main, None),  # never probed: the codec is read from the stream
        "C-LEARNS": (main, None),
        "C-NOSUB": (plain, _device(plain, plain + "/none")),  # no rule, no probed sub
        "C-SUB265": (main, _device(main, sub, sub_encoding="H265")),
        "C-PROBED-SUB": (plain, _device(plain, sub)),  # only the probe knows the sub URL
    }
    with serve_in_thread(app, lifespan="on") as url:
        where = "http://127.0.0.1:9/none"
        add_cameras(
            app,
            [
                camera(cid, south_m=30 + i, base=where, rtsp_url=rtsp_url)
                for i, (cid, (rtsp_url, _)) in enumerate(rows.items())
            ],
        )
        with app.state.engine.begin() as conn:
            for cid, (_, device) in rows.items():
                set_credentials(conn, cid, username=RTSP_USER, password=RTSP_PASSWORD)
                if device is not None:
                    save_device(conn, cid, device, at=datetime.now(UTC))
            conn.execute(
                sa.update(cameras).where(cameras.c.id == "C-PROBED-SUB").values(rtsp_sub_url=sub)
            )
        keys = make_api(app, None).keys  # type: ignore[arg-type]
        yield Served(url=url, app=app, keys=keys)


def _get(served: Served, camera_id: str, query: str) -> tuple[Any, dict[str, str]]:
    view = served.view(camera_id, call_id=f"CODEC-{next(CALLS)}")
    reading = read_video(served.url + view["video_url"] + query, 0.3)
    return reading, reading.headers


def test_stated_h265_main_gives_the_sub_stream_without_opening_the_main(served: Served) -> None:
    hub = served.app.state.video_hub
    opened = hub.opened
    reading, headers = _get(served, "C-PROFILED", "?h265=0")
    assert reading.status == 200
    assert headers["x-video-stream"] == "sub"
    assert headers["x-video-chosen-by"] == "known"
    assert headers["x-video-codec"].startswith("avc1.")
    assert hub.opened == opened + 1, "one ffmpeg: the sub-stream's"
    assert "C-PROFILED/main" not in hub.codecs


def test_a_browser_with_h265_gets_the_stated_h265_main(served: Served) -> None:
    reading, headers = _get(served, "C-PROFILED", "?h265=1")
    assert (reading.status, headers["x-video-stream"]) == (200, "main")
    assert headers["x-video-codec"].startswith(HEVC)


def test_unknown_codec_is_read_from_the_main_stream_then_the_sub_is_given(
    served: Served,
) -> None:
    hub = served.app.state.video_hub
    opened = hub.opened
    reading, headers = _get(served, "C-UNKNOWN", "?h265=0")
    assert reading.status == 200
    assert (headers["x-video-stream"], headers["x-video-chosen-by"]) == ("sub", "probe")
    assert headers["x-video-codec"].startswith("avc1.")
    assert hub.opened == opened + 2, "the main stream was opened to read its codec"
    assert hub.codecs["C-UNKNOWN/main"].startswith(HEVC)


def test_a_codec_read_once_is_known_to_the_next_viewer(served: Served) -> None:
    first = _get(served, "C-LEARNS", "?h265=0")[1]
    second = _get(served, "C-LEARNS", "?h265=0")[1]
    assert (first["x-video-chosen-by"], second["x-video-chosen-by"]) == ("probe", "known")
    assert second["x-video-stream"] == "sub"


@pytest.mark.parametrize("camera_id", ["C-NOSUB", "C-SUB265"])
def test_no_playable_sub_stream_is_404_before_any_stream_opens(
    served: Served, camera_id: str
) -> None:
    hub = served.app.state.video_hub
    opened = hub.opened
    view = served.view(camera_id, call_id=f"CODEC-404-{camera_id}")
    response = httpx.get(served.url + view["video_url"] + "?h265=0", timeout=10.0)
    assert response.status_code == 404
    assert response.json()["code"] == "no_sub_stream"
    assert hub.opened == opened


def test_the_probed_sub_stream_url_is_used_where_no_vendor_rule_applies(served: Served) -> None:
    reading, headers = _get(served, "C-PROBED-SUB", "?h265=0")
    assert (reading.status, headers["x-video-stream"]) == (200, "sub")
    assert headers["x-video-codec"].startswith("avc1.")
