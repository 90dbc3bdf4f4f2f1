"""Real layers for the areas tests: Hai Phong wards and police HQs, Vietnamese ward centroids,
pre-2025 HCMC districts, the dvhcvn old/new mapping, Helsinki and Zurich streets, HCMC cameras.

Everything is read from ``tests/data`` at test time (Hai Phong data is test-only).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from camroute.areas import AreaLayers
from camroute.areas.importers import ImportOptions, read_admin_links, read_layer
from camroute.areas.models import AreaFeature

REFORM = datetime(2025, 7, 1, tzinfo=UTC)


def _read(path: Path, **options: object) -> list[AreaFeature]:
    features, _rejected = read_layer(path, ImportOptions(**options))  # type: ignore[arg-type]
    return features


@pytest.fixture(scope="session")
def hp_wards(shared_data: Path) -> list[AreaFeature]:
    """The 15 Hai Phong 2025 ward polygons (admin, valid from the reform)."""
    wards: list[AreaFeature] = []
    for path in sorted((shared_data / "haiphong" / "wards_2025").glob("*.geojson")):
        wards += _read(
            path,
            kind="admin",
            level="ward",
            name_field="ten_xa",
            code_field="ma_xa",
            valid_from=REFORM,
        )
    return wards


@pytest.fixture(scope="session")
def real_features(shared_data: Path, hp_wards: list[AreaFeature]) -> list[AreaFeature]:
    d = shared_data
    areas = [
        AreaFeature(
            kind="service-areas",
            name=w.name,
            code=w.code,
            service="113",
            geometry=w.geometry,
            phone="113",
        )
        for w in hp_wards
    ]
    return [
        *hp_wards,
        *_read(
            d / "vn_admin" / "wards_2025_hcmc_danang_haiphong.csv",
            kind="admin",
            level="ward",
            code_field="wardCode",
            valid_from=REFORM,
        ),
        *_read(
            d / "vn_admin" / "districts_pre2025_gpl" / "districts_79.geojson",
            kind="admin",
            level="district",
            code_field="level2_id",
            valid_to=REFORM,
        ),
        *_read(d / "haiphong" / "police_hq.json", kind="stations", service="113"),
        *areas,
        *_read(d / "helsinki_osm" / "highways.geojson", kind="streets"),
        *_read(d / "zurich_osm" / "zurich_highways_overpass_2025-05-18.osm", kind="streets"),
        *_read(d / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson", kind="pois"),
    ]


@pytest.fixture(scope="session")
def layers(shared_data: Path, real_features: list[AreaFeature]) -> AreaLayers:
    """Every real layer, indexed once for the session."""
    links, _ = read_admin_links(shared_data / "vn_admin" / "dvhcvn_20250701_merges_new_to_old.json")
    return AreaLayers.build(real_features, links=links)
