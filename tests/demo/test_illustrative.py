from __future__ import annotations

import pytest
import shapely

from camroute.demo.illustrative import CITIES, HOTLINES, service_layers
from camroute.geo import local_projection


@pytest.mark.parametrize("city", sorted(CITIES))
def test_areas_of_each_hotline_tile_the_city_without_overlap(city: str) -> None:
    layers = service_layers(city)
    bbox = shapely.box(*CITIES[city].bbox)
    for hotline in HOTLINES:
        areas = layers[f"service_areas_{hotline}"]
        assert shapely.union_all(areas.geometry.values).equals(bbox)
        proj = local_projection(lon=CITIES[city].centre[0], lat=CITIES[city].centre[1])
        areas_m2 = [proj.geometry_to_metric(g).area for g in areas.geometry.values]
        assert sum(areas_m2) == pytest.approx(proj.geometry_to_metric(bbox).area)
        assert set(areas["service"]) == {hotline}


@pytest.mark.parametrize("city", sorted(CITIES))
def test_each_station_lies_in_its_own_area_and_says_illustrative(city: str) -> None:
    layers = service_layers(city)
    for hotline in HOTLINES:
        areas, stations = layers[f"service_areas_{hotline}"], layers[f"stations_{hotline}"]
        assert list(stations["code"]) == list(areas["code"])
        assert all(shapely.contains(areas.geometry.values, stations.geometry.values))
        assert stations["name"].str.contains("illustrative").all()
        assert stations["illustrative"].all()
    codes = [c for name, f in layers.items() if name.startswith("stations") for c in f["code"]]
    assert len(codes) == len(set(codes)) == 12
