"""``camroute route`` (cameras for one location) and ``camroute viewsheds`` (the batch)."""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path
from typing import Annotated

import geopandas as gpd
import numpy as np
import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from camroute.cameras.store import load_cameras
from camroute.cli_options import DbOption, migrated_engine, readable_file
from camroute.errors import CamrouteError
from camroute.routing.index import CameraIndex
from camroute.routing.rank import rank_cameras
from camroute.routing.service import point_location

EXCLUDED_IDS_SHOWN = 20  # in the viewsheds summary; the count is always whole


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

    with migrated_engine(db, create=False) as engine:
        cams = load_cameras(engine)
        if len(cams) == 0:  # "no camera sees this" would be an answer; this is no registry
            where = engine.url.render_as_string(hide_password=True)
            typer.echo(
                f"error: the camera registry at {where} is empty; "
                "import cameras with: camroute cameras import FILE",
                err=True,
            )
            raise typer.Exit(1)
        bld = read_buildings(buildings) if buildings is not None else load_buildings(engine)
    return CameraIndex.build(cams, bld)


def route(
    lon: Annotated[float, typer.Option(help="Caller longitude (WGS84 degrees).")],
    lat: Annotated[float, typer.Option(help="Caller latitude (WGS84 degrees).")],
    uncertainty_m: Annotated[
        float, typer.Option("--uncertainty-m", help="Radius of the uncertainty circle (m).")
    ] = 0.0,
    cameras: Annotated[
        Path | None,
        typer.Option(
            help="Camera file (registry-schema GeoJSON or raw OSM).", callback=readable_file
        ),
    ] = None,
    buildings: Annotated[
        Path | None, typer.Option(help="Building footprints file.", callback=readable_file)
    ] = None,
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


def viewsheds(
    db: DbOption = None,
    workers: Annotated[
        int, typer.Option(min=1, max=256, help="Worker processes (default: every core).")
    ] = max(os.cpu_count() or 1, 1),
    recompute: Annotated[
        bool, typer.Option("--all", help="Recompute every viewshed, not only missing ones.")
    ] = False,
) -> None:
    """Compute and store what every camera sees (the batch after an import); prints JSON.

    Stored viewsheds stay valid while the camera and the buildings are unchanged, so a
    re-run computes only what changed. A running server picks the new ones up within
    CAMROUTE_REGISTRY_POLL_S.
    """
    from camroute.buildings.store import load_buildings
    from camroute.routing.batch import compute_viewsheds
    from camroute.routing.store import (
        buildings_key,
        load_viewsheds,
        mark_viewsheds_computed,
        save_given_viewsheds,
        still_valid,
    )

    started = time.perf_counter()
    err = Console(stderr=True)
    computed = 0
    with migrated_engine(db) as engine:
        index = CameraIndex.build(load_cameras(engine), load_buildings(engine))
        key = buildings_key(engine)
        wanted = index.can_have_viewshed()
        kept = 0
        if not recompute:  # which stored ones still hold (no need to read their polygons)
            valid = still_valid(index, load_viewsheds(engine, key=key))
            wanted[valid], kept = False, int(valid.size)
        todo = np.flatnonzero(wanted)
        progress = Progress(
            "viewsheds",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
        )
        try:
            with progress:
                task = progress.add_task("viewsheds", total=int(todo.size))
                for cams, views in compute_viewsheds(index, todo, workers=workers):
                    save_given_viewsheds(engine, index, cams, views, key=key)
                    computed += int(cams.size)
                    progress.advance(task, int(cams.size))
        finally:
            if computed:
                mark_viewsheds_computed(engine)
    summary = {
        "cameras": len(index),
        "computed": computed,
        "kept": kept,
        "without_heading": int((~index.can_have_viewshed()).sum()),
        # Cameras the index's metric CRS cannot hold (far from the city): never routed to.
        "excluded": len(index.excluded_ids),
        "excluded_ids": list(index.excluded_ids[:EXCLUDED_IDS_SHOWN]),
        "workers": workers,
        "seconds": round(time.perf_counter() - started, 1),
    }
    typer.echo(orjson.dumps(summary).decode())
