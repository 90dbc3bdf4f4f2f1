"""Basemap test data: the central-HCMC OSM files the demo ships (ODbL, see their PROVENANCE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from camroute.demo.loader import DATA_DIR

HCMC_BASEMAP = DATA_DIR / "hcmc" / "basemap"


@pytest.fixture(scope="session")
def tan_dinh() -> Path:
    """OSM XML export of Tân Định (District 1/3), gzipped: 106.6862-106.6966 E, 10.78-10.79 N."""
    return HCMC_BASEMAP / "tan_dinh_export.osm.gz"


@pytest.fixture(scope="session")
def hcmc_streets() -> Path:
    """osmnx/Overpass highway ways of District 1 and around as GeoJSON (gzipped)."""
    return HCMC_BASEMAP / "hcmc_streets.geojson.gz"
