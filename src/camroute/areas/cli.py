"""``camroute layers import``, ``camroute lookup`` and ``camroute geocode``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer

from camroute.areas.errors import AreaQueryError
from camroute.areas.importers import PACKAGE_WARDS, ImportOptions
from camroute.areas.layers import AreaLayers
from camroute.areas.lookup import geocode as geocode_text
from camroute.areas.lookup import lookup as lookup_point
from camroute.areas.service import LINKS_KIND, import_layer
from camroute.cli_options import DbOption, fail_unreadable, migrated_engine
from camroute.errors import CamrouteError

layers_app = typer.Typer(no_args_is_help=True, help="Admin units, service areas, streets, POIs.")
KINDS = ("admin", "service-areas", "stations", "streets", "pois", LINKS_KIND)


def parse_time(value: str | None, *, field: str) -> datetime | None:
    """ISO-8601 date (midnight UTC) or date-time with an offset; ``None`` passes through."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise AreaQueryError(f"{field} is not ISO-8601: {value!r}", field=field) from exc
    if parsed.tzinfo is None:
        raise AreaQueryError(f"{field} needs a UTC offset: {value!r}", field=field)
    return parsed.astimezone(UTC)


def _print(data: object) -> None:
    typer.echo(orjson.dumps(data).decode())


def _fail(exc: CamrouteError) -> None:
    typer.echo(f"error: {exc.detail}", err=True)
    raise typer.Exit(code=2)


@layers_app.command("import")
def import_command(
    kind: Annotated[str, typer.Argument(help=f"One of {', '.join(KINDS)}.")],
    path: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage, Shapefile, CSV, OSM XML.")],
    name_field: Annotated[str | None, typer.Option(help="Attribute holding the name.")] = None,
    code_field: Annotated[str | None, typer.Option(help="Attribute holding the code.")] = None,
    level: Annotated[str | None, typer.Option(help="Admin level: ward, province, ...")] = None,
    valid_from: Annotated[str | None, typer.Option(help="ISO date/time the units start.")] = None,
    valid_to: Annotated[str | None, typer.Option(help="ISO date/time the units end.")] = None,
    service: Annotated[str | None, typer.Option(help="Hotline: 113, 114 or 115.")] = None,
    db: DbOption = None,
) -> None:
    """Import a layer file; prints {"imported": n, "rejected": n} as the last line."""
    try:
        if kind not in KINDS:
            raise AreaQueryError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}", field="kind")
        options = ImportOptions(
            kind=kind,
            name_field=name_field,
            code_field=code_field,
            level=level,
            valid_from=parse_time(valid_from, field="valid_from"),
            valid_to=parse_time(valid_to, field="valid_to"),
            service=service,
        )
        if str(path) != PACKAGE_WARDS:  # the wards shipped in that package are no file
            fail_unreadable(path)
        with migrated_engine(db) as engine:
            summary = import_layer(engine, path, options)
    except CamrouteError as exc:
        _fail(exc)
    _print(summary.model_dump())


def _layers(db: str | None) -> AreaLayers:
    with migrated_engine(db, create=False) as engine:
        return AreaLayers.load(engine)


def lookup(
    lon: Annotated[float, typer.Option(help="Longitude, WGS84 degrees.")],
    lat: Annotated[float, typer.Option(help="Latitude, WGS84 degrees.")],
    at: Annotated[str | None, typer.Option(help="ISO-8601 time (default now).")] = None,
    db: DbOption = None,
) -> None:
    """Admin units, responsible 113/114/115 units, street and corner at a point (JSON)."""
    try:
        when = parse_time(at, field="at")
        report = lookup_point(lon=lon, lat=lat, at=when, layers=_layers(db))
    except CamrouteError as exc:
        _fail(exc)
    _print(report.model_dump(mode="json"))


def geocode(
    text: Annotated[str, typer.Argument(help="Address, intersection, landmark or coordinates.")],
    limit: Annotated[int, typer.Option(help="Most candidates to return.")] = 5,
    db: DbOption = None,
) -> None:
    """Ranked candidates for Vietnamese address text (JSON)."""
    try:
        result = geocode_text(text, layers=_layers(db), limit=limit)
    except CamrouteError as exc:
        _fail(exc)
    _print(result.model_dump(mode="json"))


def register(app: typer.Typer) -> None:
    """Add ``layers``, ``lookup`` and ``geocode`` to the ``camroute`` command."""
    app.add_typer(layers_app, name="layers")
    app.command()(lookup)
    app.command()(geocode)
