"""``camroute buildings import PATH``: load footprints into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import orjson
import typer

from camroute.cli_options import DbOption, migrated_engine, readable_file
from camroute.errors import CamrouteError

app = typer.Typer(no_args_is_help=True, help="Building footprints (line-of-sight occluders).")


@app.command("import")
def import_buildings(
    path: Annotated[
        Path,
        typer.Argument(help="GeoJSON, GeoPackage, Shapefile or OSM file.", callback=readable_file),
    ],
    db: DbOption = None,
    append: Annotated[bool, typer.Option(help="Keep the stored footprints.")] = False,
) -> None:
    """Import footprints; heights from ``height`` or ``building:levels`` x 3 m. Prints JSON."""
    from camroute.buildings.importer import read_buildings
    from camroute.buildings.store import count_buildings, replace_buildings

    try:
        frame = read_buildings(path)
    except CamrouteError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    with migrated_engine(db) as engine:
        imported = replace_buildings(engine, frame, append=append)
        total = count_buildings(engine)
    with_height = int(np.isfinite(frame["height_m"].to_numpy(float)).sum())
    summary = {
        "imported": imported,
        "with_height": with_height,
        "stored": total,
        "source": path.name,
    }
    typer.echo(orjson.dumps(summary).decode())
