"""Camera schema validation: the ranges of the issue, and the optional limits' order."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from camroute.cameras.model import CameraCreate, CameraUpdate

BASE: dict[str, Any] = {"id": "HCM-1", "lon": 106.7, "lat": 10.77}


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("heading_deg", 0.0, True),
        ("heading_deg", 359.99, True),
        ("heading_deg", 360.0, False),  # [0, 360)
        ("heading_deg", -0.1, False),
        ("hfov_deg", 360.0, True),  # (0, 360]
        ("hfov_deg", 0.0, False),
        ("range_m", 2000.0, True),  # (0, 2000]
        ("range_m", 2000.1, False),
        ("range_m", 0.0, False),
        ("lon", 180.0, True),
        ("lon", 180.5, False),
        ("lat", -90.0, True),
        ("lat", 90.1, False),
        ("kind", "dome_360", True),
        ("kind", "dome", False),
        ("status", "maintenance", True),
        ("status", "broken", False),
        ("snapshot_url", "http://10.0.0.5/snap.jpg", True),
        ("snapshot_url", "file:///etc/passwd", False),
        ("id", "TTH 406", True),
        ("id", "a/b", False),
        ("heading_source", "imported:osm", True),
        ("heading_source", "guessed", False),
        ("last_seen", "2026-11-22T01:00:00Z", True),
        ("last_seen", "2026-11-22T01:00:00", False),  # naive times are refused
    ],
)
def test_create_validation(field: str, value: object, ok: bool) -> None:
    body = {**BASE, field: value}
    if ok:
        assert getattr(CameraCreate.model_validate(body), field) is not None
    else:
        with pytest.raises(ValidationError, match=field):
            CameraCreate.model_validate(body)


def test_limits_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="pan_min_deg"):
        CameraUpdate(pan_min_deg=200.0, pan_max_deg=100.0)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="fov"):
        CameraCreate.model_validate({**BASE, "fov": 60})


def test_password_is_not_in_repr() -> None:
    from camroute.cameras.model import StreamSource

    src = StreamSource(
        camera_id="x",
        snapshot_url=None,
        mjpeg_url=None,
        rtsp_url=None,
        username="u",
        password="s3cret",
    )
    assert "s3cret" not in repr(src)
