"""One import feeds the tiles, the nearest-street lookup and the address search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from camroute.areas.layers import AreaLayers
from camroute.areas.lookup import geocode, lookup
from camroute.basemap.errors import BasemapImportError
from camroute.basemap.service import import_basemap
from camroute.basemap.store import read_features
from camroute.store import make_engine, migrate

LAM_SON = {"lon": 106.7025, "lat": 10.7765}  # Đồng Khởi at Công trường Lam Sơn, District 1


@pytest.fixture(scope="module")
def streets_engine(
    tmp_path_factory: pytest.TempPathFactory, hcmc_streets: Path
) -> Iterator[Engine]:
    """One SQLite store holding the District 1 streets (imported once for the read-only tests)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('bm') / 'c.db'}")
    migrate(engine)
    import_basemap(engine, [hcmc_streets])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def layers(streets_engine: Engine) -> AreaLayers:
    return AreaLayers.load(streets_engine)


def test_import_merges_files_without_drawing_a_way_twice(
    store_engine: Engine, tan_dinh: Path, hcmc_streets: Path
) -> None:
    summary = import_basemap(store_engine, [tan_dinh, hcmc_streets])
    assert summary.files == 2
    assert summary.stored < summary.read  # the streets GeoJSON repeats the export's ways
    assert summary.layers["roads"] >= 4855  # every way of the GeoJSON, plus the export's paths
    assert summary.layers["buildings"] > 600
    assert summary.named_streets > 2700


def test_bbox_keeps_only_what_lies_in_it(tmp_path: Path, hcmc_streets: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    migrate(engine)
    cut = import_basemap(engine, [hcmc_streets], bbox=(106.695, 10.77, 106.705, 10.78))
    assert 0 < cut.stored < cut.read / 4
    assert cut.bbox == (106.695, 10.77, 106.705, 10.78)


@pytest.mark.parametrize("query", ["Đồng Khởi", "dong khoi", "ĐỒNG KHỞI", "\u00d0ồng Khởi"])
def test_the_address_search_finds_the_eth_spelling(layers: AreaLayers, query: str) -> None:
    result = geocode(query, layers=layers, limit=3)
    labels = [c.label for c in result.candidates]
    assert labels, query
    assert all("\u00d0ồng Khởi" in label for label in labels)  # OSM spells it with U+00D0


def test_the_lookup_names_the_real_nearest_street_and_corner(layers: AreaLayers) -> None:
    report = lookup(**LAM_SON, at=None, layers=layers)
    assert report.street is not None
    assert report.street.name == "Đường \u00d0ồng Khởi"
    assert report.street.distance_m < 15
    assert report.intersection is not None
    assert "Công trường Lam Sơn" in report.intersection.names


def test_a_missing_file_is_refused_before_anything_changes(
    streets_engine: Engine, tmp_path: Path, hcmc_streets: Path
) -> None:
    before = len(read_features(streets_engine))
    with pytest.raises(BasemapImportError, match="no such file"):
        import_basemap(streets_engine, [hcmc_streets, tmp_path / "missing.osm.pbf"])
    assert len(read_features(streets_engine)) == before == 4855
