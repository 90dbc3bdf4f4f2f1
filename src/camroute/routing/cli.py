"""``camroute route``: rank cameras for one location from the store or straight from files."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import geopandas as gpd
import typer

from camroute.cameras.store import load_cameras
from camroute.cli_options import DbOption, migrated_engine
from camroute.errors import CamrouteError
from camroute.routing.index import CameraIndex
from camroute.routing.rank import rank_cameras
from camroute.routing.service import point_location


def read_camera_file(path: Path) -> gpd.GeoDataFrame:
    """Cameras from a file: the cameras package importer when present, else plain GeoJSON."""
    try:
        importers = importlib.import_module("camroute.cameras.importers")
        normalise = importlib.import_module("camroute.cameras.normalise")
    except ImportError:
        return gpd.read_file(path)
    result = normalise.normalise(importers.read_source(path), mapping=None, source=path.name)
    frame = result.cameras
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326
    )


def _index_from(cameras: Path | None, buildings: Path | None, db: str | None) -> CameraIndex:
    from camroute.buildings.importer import read_buildings

    if cameras is not None:
        bld = read_buildings(buildings) if buildings is not None else None
        return CameraIndex.build(read_camera_file(cameras), bld)
    from camroute.buildings.store import load_buildings

    with migrated_engine(db) as engine:
        cams = load_cameras(engine)
        bld = read_buildings(buildings) if buildings is not None else load_buildings(engine)
    return CameraIndex.build(cams, bld)


def route(
    lon: Annotated[float, typer.Option(help="Caller longitude (WGS84 degrees).")],
    lat: Annotated[float, typer.Option(help="Caller latitude (WGS84 degrees).")],
    uncertainty_m: Annotated[
        float, typer.Option("--uncertainty-m", help="Radius of the uncertainty circle (m).")
    ] = 0.0,
    cameras: Annotated[
        Path | None, typer.Option(help="Camera file (registry-schema GeoJSON or raw OSM).")
    ] = None,
    buildings: Annotated[Path | None, typer.Option(help="Building footprints file.")] = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Visible cameras to list.")] = 10,
    k: Annotated[int, typer.Option(min=0, max=10, help="Cameras in the cover.")] = 3,
) -> None:
    """Rank the cameras that can see a location; prints one JSON object."""
    try:
        location = point_location(lon=lon, lat=lat, uncertainty_m=uncertainty_m)
        index = _index_from(cameras, buildings, db)
        x, y = index.projection.to_metric(lon, lat)
        near = index.candidates(x_m=float(x), y_m=float(y), radius_m=uncertainty_m)
        index = index.with_viewsheds(near)  # only the cameras that could reach the caller
        result = rank_cameras(location, index, limit=limit, cover_k=k)
    except CamrouteError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    typer.echo(result.model_dump_json())
