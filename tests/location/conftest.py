"""Hypothesis profiles for the location tests, and access to the shared test vectors.

``HYPOTHESIS_PROFILE=ci`` runs 2000 examples per property; otherwise (profile ``dev``) 200.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

VECTORS = Path(__file__).resolve().parents[1] / "data" / "location"

settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def vector() -> Callable[[str], bytes]:
    """Read one test vector by file name (``tests/data/location``)."""
    assert VECTORS.is_dir(), f"missing {VECTORS}"

    def read(name: str) -> bytes:
        path = VECTORS / name
        assert path.is_file(), f"missing test vector {path}"
        return path.read_bytes()

    return read
