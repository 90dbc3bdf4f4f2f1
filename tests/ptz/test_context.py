"""``ptz/context.py``: a camera's setup carries its NVR channel to the PTZ link."""

from __future__ import annotations

import sqlalchemy as sa

from camroute.cameras.tables import cameras
from camroute.ptz.context import camera_setup

from .aim_env import Env


def test_a_camera_on_an_nvr_channel_carries_its_channel_to_the_link(env: Env) -> None:
    with env.engine.connect() as conn:
        assert camera_setup(conn, "PTZ-1", cipher=None).account.channel is None
    with env.engine.begin() as conn:
        conn.execute(sa.update(cameras).where(cameras.c.id == "PTZ-1").values(nvr_channel=2))
    with env.engine.connect() as conn:
        assert camera_setup(conn, "PTZ-1", cipher=None).account.channel == 2
