from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camroute.errors import InvalidInputError
from camroute.sim.cameras import BOUNDARY, create_sim_app, mjpeg_part, render_frame
from camroute.sim.cli import split_ids

T0 = datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC)


@pytest.mark.parametrize(("width", "height"), [(320, 240), (64, 48), (640, 360)])
def test_render_frame_is_a_jpeg_of_the_asked_size(width: int, height: int) -> None:
    import io

    jpeg = render_frame("HCM-001", at=T0, width_px=width, height_px=height)
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
        assert image.size == (width, height)


def test_frames_differ_by_camera_and_by_time() -> None:
    a = render_frame("A", at=T0)
    assert a != render_frame("B", at=T0)
    assert a != render_frame("A", at=T0.replace(second=4))
    assert a == render_frame("A", at=T0)


def test_naive_time_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        render_frame("A", at=datetime(2026, 1, 1))


def test_mjpeg_part_declares_its_length() -> None:
    part = mjpeg_part(b"\xff\xd8abc\xff\xd9")
    assert part.startswith(f"--{BOUNDARY}\r\n".encode())
    assert b"Content-Length: 7\r\n\r\n" in part
    assert part.endswith(b"\xff\xd9\r\n")


@pytest.mark.parametrize("fps", [0.0, -1.0, 31.0])
def test_bad_fps_is_refused(fps: float) -> None:
    with pytest.raises(InvalidInputError, match="fps"):
        create_sim_app(fps=fps)


def test_snapshot_of_a_known_camera() -> None:
    with TestClient(create_sim_app(camera_ids=["CAM-1"])) as client:
        resp = client.get("/cameras/CAM-1/snapshot.jpg")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.content[:2] == b"\xff\xd8"


def test_unknown_camera_is_a_404_problem() -> None:
    with TestClient(create_sim_app(camera_ids=["CAM-1"])) as client:
        resp = client.get("/cameras/OTHER/snapshot.jpg")
    assert resp.status_code == 404
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["errors"][0]["field"] == "camera_id"


def test_any_id_when_none_listed() -> None:
    with TestClient(create_sim_app()) as client:
        assert client.get("/cameras/whatever-7/snapshot.jpg").status_code == 200


def test_mjpeg_stream_carries_several_frames() -> None:
    with (
        TestClient(create_sim_app(fps=30.0)) as client,
        client.stream("GET", "/cameras/C9/mjpeg") as resp,
    ):
        assert resp.headers["content-type"] == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
        data = b""
        for chunk in resp.iter_bytes():
            data += chunk
            if data.count(f"--{BOUNDARY}".encode()) >= 3:
                break
    assert data.count(b"\xff\xd8") >= 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [(None, []), ([], []), (["A"], ["A"]), (["A,B", "C"], ["A", "B", "C"]), ([" , "], [])],
)
def test_split_ids(values: list[str] | None, expected: list[str]) -> None:
    assert split_ids(values) == expected
