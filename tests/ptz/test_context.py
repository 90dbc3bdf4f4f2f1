"""``ptz/context.py``: a camera's setup carries its head's profile (probed) and NVR channel."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from camroute.cameras import onvif_store
from camroute.cameras.onvif_model import DeviceInfo, MediaProfile, OnvifDevice
from camroute.cameras.tables import cameras
from camroute.ptz.context import camera_setup

from .aim_env import Env

INFO = DeviceInfo(manufacturer="KBVision", model="KX-8216N2")


def _setup_profile(env: Env) -> str | None:
    with env.engine.connect() as conn:
        return camera_setup(conn, "PTZ-1", cipher=None).account.profile_token


def test_the_probed_channels_profile_drives_the_head_and_without_a_probe_none_is_named(
    env: Env,
) -> None:
    assert _setup_profile(env) is None  # never probed: the link asks the device
    channel = [
        MediaProfile(token="Ch3_sub", ptz_node="PTZ_3", width_px=640, height_px=360),
        MediaProfile(token="Ch3_main", ptz_node="PTZ_3", width_px=1920, height_px=1080),
    ]
    device = OnvifDevice(info=INFO, profiles=channel, main_token="Ch3_main", sub_token="Ch3_sub")
    with env.engine.begin() as conn:
        onvif_store.save_device(conn, "PTZ-1", device, at=datetime.now(UTC))
    assert _setup_profile(env) == "Ch3_main"
    headless = device.model_copy(
        update={"profiles": [p.model_copy(update={"ptz_node": None}) for p in channel]}
    )
    with env.engine.begin() as conn:
        onvif_store.save_device(conn, "PTZ-1", headless, at=datetime.now(UTC))
    assert _setup_profile(env) is None  # the probe found no head: asked, as before


def test_a_camera_on_an_nvr_channel_carries_its_channel_to_the_link(env: Env) -> None:
    with env.engine.connect() as conn:
        assert camera_setup(conn, "PTZ-1", cipher=None).account.channel is None
    with env.engine.begin() as conn:
        conn.execute(sa.update(cameras).where(cameras.c.id == "PTZ-1").values(nvr_channel=2))
    with env.engine.connect() as conn:
        assert camera_setup(conn, "PTZ-1", cipher=None).account.channel == 2
