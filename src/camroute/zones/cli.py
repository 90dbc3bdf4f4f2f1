"""``camroute zones ...``: import protected zones from OSM or any GeoJSON / GeoPackage; list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from camroute.cli_options import DbOption, cli_actor, migrated_engine, readable_file
from camroute.errors import CamrouteError
from camroute.zones.kinds import ZoneKind, ZonePolicy

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Protected zones (schools, hospitals, ...)."
)


@app.command("import")
def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="OSM (.osm, .osm.pbf), GeoJSON, GeoPackage.", callback=readable_file),
    ],
    policy: Annotated[
        ZonePolicy,
        typer.Option(help="supervisor: a supervisor with a reason may view; never: nobody."),
    ] = "supervisor",
    kind_from_tag: Annotated[
        str | None,
        typer.Option(
            "--kind-from-tag",
            help="Tag or column naming each row's kind (e.g. amenity); other rows are skipped.",
        ),
    ] = None,
    kind: Annotated[ZoneKind, typer.Option(help="Every row's kind without --kind-from-tag.")] = (
        "other"
    ),
    name_field: Annotated[str | None, typer.Option("--name-field", help="Name column.")] = None,
    source: Annotated[str | None, typer.Option(help="Provenance (default: file name).")] = None,
    db: DbOption = None,
) -> None:
    """Import zones (audited; a source imported again updates its zones); JSON summary."""
    from camroute.zones.importer import ZoneImportOptions
    from camroute.zones.service import import_zones

    options = ZoneImportOptions(
        policy=policy, kind_from_tag=kind_from_tag, kind=kind, name_field=name_field, source=source
    )
    try:
        with migrated_engine(db) as engine:
            summary = import_zones(engine, path, options, actor=cli_actor(), role="gis_admin")
    except CamrouteError as exc:
        Console(stderr=True).print(f"cannot import {path}: {exc.detail}", markup=False)
        raise typer.Exit(2) from exc
    sys.stdout.write(summary.model_dump_json() + "\n")


@app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    db: DbOption = None,
) -> None:
    """Print zones as JSON lines (id, kind, name, policy, version, source)."""
    from camroute.zones.store import list_zones

    with migrated_engine(db, create=False) as engine, engine.connect() as conn:
        rows, total = list_zones(conn, limit=limit)
    keys = ("id", "kind", "name", "policy", "version", "source")
    for row in rows:
        sys.stdout.write(orjson.dumps({k: row[k] for k in keys}).decode() + "\n")
    sys.stdout.write(orjson.dumps({"listed": len(rows), "total": total}).decode() + "\n")
