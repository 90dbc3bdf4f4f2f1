"""Fixtures of the PTZ tests (the aiming app lives in ``aim_env``)."""

from .aim_env import env

__all__ = ["env"]
