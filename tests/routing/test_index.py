from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from tests.routing.conftest import NAN, point_at

from camroute.routing import CameraIndex, rank_cameras
from camroute.routing.frame import grid_convergence_deg


def test_build_keeps_arrays_in_metres(scene: Callable[..., Any]) -> None:
    cams, blds = scene(
        [{"id": "A", "x_m": 10.0, "y_m": 20.0, "range_m": 70.0}], [(0, 0, 5, 5, 12.0)]
    )
    index = CameraIndex.build(cams, blds)
    assert len(index) == 1
    assert index.projection.epsg == 32648
    assert index.max_range_m == 70.0
    assert len(index.buildings) == 1
    assert index.buildings.height_m.tolist() == [12.0]
    assert not index.has_viewshed.any()


def test_index_is_immutable_and_with_viewsheds_copies(scene: Callable[..., Any]) -> None:
    cams, blds = scene([{"id": "A"}], [(-5, 14, 5, 16, NAN)])
    index = CameraIndex.build(cams, blds)
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.max_range_m = 1.0  # type: ignore[misc]
    ready = index.with_viewsheds()
    assert ready.has_viewshed.tolist() == [True]
    assert index.has_viewshed.tolist() == [False]  # the old snapshot is untouched
    assert ready.viewsheds[0].area < index.sectors(np.array([0]))[0].area


def test_unknown_heading_fixed_camera_gets_no_viewshed(scene: Callable[..., Any]) -> None:
    cams, _ = scene(
        [{"id": "A", "heading_deg": None}, {"id": "P", "kind": "ptz", "heading_deg": None}]
    )
    ready = CameraIndex.build(cams).with_viewsheds()
    assert ready.has_viewshed.tolist() == [False, True]


def test_missing_optional_columns_are_assumed_and_flagged() -> None:
    cams = gpd.GeoDataFrame({"id": ["X"]}, geometry=gpd.points_from_xy([105.0], [10.77]), crs=4326)
    index = CameraIndex.build(cams)
    assert index.fov_assumed.tolist() == [True]
    assert np.isnan(index.heading_deg[0])
    assert index.statuses.tolist() == ["unknown"]


def test_heading_is_turned_to_grid_north_away_from_the_central_meridian() -> None:
    # Helsinki in UTM 35: true north is about 1.79 degrees east of grid north.
    cams = gpd.GeoDataFrame(
        {
            "id": ["H"],
            "lon": [24.94],
            "lat": [60.17],
            "heading_deg": [0.0],
            "hfov_deg": [2.0],
            "range_m": [500.0],
        },
        geometry=gpd.points_from_xy([24.94], [60.17]),
        crs=4326,
    )
    index = CameraIndex.build(cams)
    assert index.heading_grid_deg[0] == pytest.approx(1.79, abs=0.01)
    assert (
        float(grid_convergence_deg(index.projection, np.array([27.0]), np.array([60.0]))[0]) == 0.0
    )
    # A target 400 m due north (true) is inside a 2-degree cone only with the correction.
    loc = point_at(0, 0)  # placeholder to reuse the constructor below
    from camroute.geo.shapes import _GEOD

    lon, lat, _ = _GEOD.fwd(24.94, 60.17, 0.0, 400.0)
    loc = loc.model_copy(
        update={"lon": lon, "lat": lat, "region": {"type": "Point", "coordinates": [lon, lat]}}
    )
    assert [c.camera_id for c in rank_cameras(loc, index).cameras] == ["H"]


def _with_strays(cams: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # Rows from a fuzzed registry: near the pole, and a quarter of the globe away on the
    # equator (no finite image at all in the city's UTM zone).
    strays = gpd.GeoDataFrame(
        {"id": ["POLE", "EQUATOR"], "lon": [179.9, -165.0], "lat": [89.9, 0.0], "range_m": 50.0},
        geometry=gpd.points_from_xy([179.9, -165.0], [89.9, 0.0]),
        crs=4326,
    )
    return gpd.GeoDataFrame(pd.concat([cams, strays], ignore_index=True), crs=4326)


def test_cameras_the_crs_is_not_fit_for_are_left_out_and_reported(
    scene: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    cams, _ = scene([{"id": "A", "heading_deg": 0.0}, {"id": "B", "x_m": 400.0}])
    with caplog.at_level(logging.WARNING, logger="camroute.routing.frame"):
        index = CameraIndex.build(_with_strays(cams))
    assert index.ids.tolist() == ["A", "B"]
    assert index.excluded_ids == ("POLE", "EQUATOR")
    assert np.isfinite(index.x).all()
    assert np.isfinite(index.y).all()
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "2 camera(s) left out" in caplog.text
    assert "POLE, EQUATOR" in caplog.text
    ranked = rank_cameras(point_at(0, 30, radius_m=5.0), index)
    assert [c.camera_id for c in ranked.cameras] == ["A"]


def test_an_index_of_only_strays_still_builds() -> None:
    index = CameraIndex.build(_with_strays(gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326)))
    assert sorted([*index.ids.tolist(), *index.excluded_ids]) == ["EQUATOR", "POLE"]
    assert len(index.excluded_ids) >= 1  # no one zone is fit for both
    assert np.isfinite(index.x).all()


@pytest.mark.parametrize(
    ("lon", "lat", "covered"),
    [
        (105.0, 10.77, True),
        (105.85, 21.03, True),  # Hanoi: a national registry fits one zone
        (114.0, 10.77, True),  # about 980 km east of the central meridian
        (116.0, 10.77, False),  # about 1,200 km: scale error past 1 %
        (179.9, 89.9, False),  # beyond UTM's latitude band
        (-165.0, 0.0, False),  # no finite image
        (-75.0, -45.0, False),  # the far side of the globe: maps past the south pole
        (200.0, 10.0, False),
        (float("nan"), 10.0, False),
    ],
)
def test_covers_agrees_with_the_projection(lon: float, lat: float, covered: bool) -> None:
    index = CameraIndex.build(gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326))
    assert index.covers(lon=lon, lat=lat) is covered
    assert bool(index.projection.covers(lon, lat)) is covered
    at = index.covered_xy(lon=lon, lat=lat)  # the point a query then works in
    assert (at is not None) is covered
    if at is not None:
        assert at == index.to_metric_xy(lon=lon, lat=lat)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(179.9, 89.9), (-75.0, -45.0)],
)
def test_one_stray_does_not_drag_the_crs_from_a_single_city_camera(lon: float, lat: float) -> None:
    # The median of two cameras is half way: for the pole, a zone where the city is 3,500 km
    # from the central meridian and would be the one left out.
    stray = gpd.GeoDataFrame(
        {"id": ["STRAY"], "lon": [lon], "lat": [lat]},
        geometry=gpd.points_from_xy([lon], [lat]),
        crs=4326,
    )
    cams = gpd.GeoDataFrame(
        {"id": ["CITY"], "lon": [106.7], "lat": [10.77]},
        geometry=gpd.points_from_xy([106.7], [10.77]),
        crs=4326,
    )
    index = CameraIndex.build(gpd.GeoDataFrame(pd.concat([cams, stray]), crs=4326))
    assert index.projection.epsg == 32648
    assert index.ids.tolist() == ["CITY"]
    assert index.excluded_ids == ("STRAY",)
