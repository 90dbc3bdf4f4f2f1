"""``camroute basemap import FILE... [--bbox W,S,E,N]``: the city's map in one transaction."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from camroute.basemap.errors import BasemapImportError
from camroute.cli_options import DbOption, fail_unreadable, migrated_engine
from camroute.errors import CamrouteError

app = typer.Typer(no_args_is_help=True, help="The offline basemap: OSM extracts, GIS layers.")
BBox = tuple[float, float, float, float]


def parse_bbox(text: str | None) -> BBox | None:
    """``W,S,E,N`` in WGS84 degrees, checked; ``None`` passes through.

    Examples
    --------
    >>> parse_bbox("106.68,10.76,106.72,10.80")
    (106.68, 10.76, 106.72, 10.8)
    >>> parse_bbox("106.7,10.8,106.6,10.7")
    Traceback (most recent call last):
    ...
    camroute.basemap.errors.BasemapImportError: bbox 106.7,10.8,106.6,10.7: west must be below east and south below north
    """  # noqa: E501
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise BasemapImportError(f"bbox {text!r} is not W,S,E,N", field="bbox") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BasemapImportError(f"bbox {text}: not finite", field="bbox")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BasemapImportError(
            f"bbox {text}: west must be below east and south below north", field="bbox"
        )
    return west, south, east, north


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help=".osm.pbf, .osm (XML), GeoJSON or GeoPackage; several are merged."),
    ],
    bbox: Annotated[str | None, typer.Option(help="Keep only W,S,E,N (WGS84 degrees).")] = None,
    db: DbOption = None,
) -> None:
    """Replace the basemap (and the streets the address search knows); prints one JSON line."""
    from camroute.basemap.service import import_basemap

    for path in paths:
        fail_unreadable(path)
    err = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} objects"),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    try:
        box = parse_bbox(bbox)
        with progress, migrated_engine(db) as engine:
            task = progress.add_task("reading", total=None)
            summary = import_basemap(
                engine,
                paths,
                bbox=box,
                tick=lambda n: progress.advance(task, n),
                on_file=lambda p: progress.update(task, description=f"reading {p.name}"),
            )
    except CamrouteError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    typer.echo(summary.model_dump_json())
