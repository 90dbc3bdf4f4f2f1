from __future__ import annotations

import mapbox_vector_tile
import pytest
import shapely

from camroute.basemap.models import BasemapFeature
from camroute.basemap.tiles import EXTENT, TileSource, tile_bounds_m, tile_of

LE_LOI = BasemapFeature(
    "roads", "primary", shapely.LineString([(106.6990, 10.7720), (106.7030, 10.7745)]), "Lê Lợi"
)
ALLEY = BasemapFeature(
    "roads", "path", shapely.LineString([(106.7000, 10.7730), (106.7005, 10.7733)]), "Hẻm 12"
)
BUILDING = BasemapFeature(
    "buildings",
    "yes",
    shapely.box(106.7001, 10.7731, 106.7003, 10.7733),
    props={"height_m": 24.0, "height_source": "tagged"},
)
SOURCE = TileSource([LE_LOI, ALLEY, BUILDING])


def _decode(z: int, lon: float = 106.7010, lat: float = 10.7732) -> dict[str, object]:
    x, y = tile_of(lon=lon, lat=lat, z=z)
    decoded: dict[str, object] = mapbox_vector_tile.decode(
        SOURCE.tile(z, x, y), default_options={"y_coord_down": True}
    )
    return decoded


def test_a_street_tile_holds_roads_with_names_and_buildings_with_height() -> None:
    tile = _decode(16)
    roads = tile["roads"]["features"]  # type: ignore[index]
    names = {f["properties"].get("name") for f in roads}
    assert names == {"Lê Lợi", "Hẻm 12"}  # diacritics survive the encoding
    (building,) = tile["buildings"]["features"]  # type: ignore[index]
    assert building["properties"] == {"kind": "yes", "height_m": 24.0}


def test_zoomed_out_tiles_keep_main_roads_only() -> None:
    tile = _decode(11)
    assert [f["properties"]["name"] for f in tile["roads"]["features"]] == ["Lê Lợi"]  # type: ignore[index]
    assert "buildings" not in tile


def test_a_tile_away_from_the_city_is_empty() -> None:
    x, y = tile_of(lon=2.35, lat=48.85, z=15)
    assert SOURCE.tile(15, x, y) == b""


def test_coordinates_are_in_the_tile_grid_y_down() -> None:
    tile = _decode(17)
    (building,) = tile["buildings"]["features"]  # type: ignore[index]
    ring = building["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert 0 <= min(xs) < max(xs) <= EXTENT
    assert 0 <= min(ys) < max(ys) <= EXTENT
    # the building's north edge (10.7733) is nearer the tile's top than its south edge
    minx, miny, maxx, maxy = tile_bounds_m(17, *tile_of(lon=106.7010, lat=10.7732, z=17))
    assert maxx - minx == pytest.approx(maxy - miny)


def test_tiles_cover_the_world_without_gaps() -> None:
    assert tile_of(lon=-180.0, lat=85.0, z=3) == (0, 0)
    assert tile_of(lon=179.999, lat=-85.0, z=3) == (7, 7)
    left = tile_bounds_m(5, 10, 7)
    right = tile_bounds_m(5, 11, 7)
    assert left[2] == pytest.approx(right[0])


def test_main_roads_come_last_in_a_tile_so_they_are_drawn_on_top() -> None:
    service = BasemapFeature(
        "roads", "service", shapely.LineString([(106.7000, 10.7725), (106.7020, 10.7740)])
    )
    x, y = tile_of(lon=106.7010, lat=10.7732, z=16)
    tile = mapbox_vector_tile.decode(TileSource([LE_LOI, ALLEY, service]).tile(16, x, y))
    kinds = [f["properties"]["kind"] for f in tile["roads"]["features"]]
    assert kinds == ["path", "service", "primary"]  # imported primary, path, service
