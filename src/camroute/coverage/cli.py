"""``camroute coverage report`` and ``camroute coverage export OUT.gpkg``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from camroute.cli_options import DbOption, migrated_engine, writable_file

if TYPE_CHECKING:
    from camroute.coverage.service import CoverageResult

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Where the cameras see.")


def _summary(result: CoverageResult) -> dict[str, object]:
    c = result.coverage
    return {
        "cameras": c.cameras,
        "seen_area_m2": c.seen_area_m2,
        "street_length_m": c.street_length_m,
        "street_seen_m": c.street_seen_m,
        "street_share": c.street_share,
        "streets": len(c.streets),
    }


@app.command("report")
def report_cmd(
    top: Annotated[int, typer.Option(min=1, max=10_000, help="Streets to list.")] = 20,
    db: DbOption = None,
) -> None:
    """The streets with the most unseen length, then a JSON summary as the last line."""
    from camroute.coverage.service import registry_coverage

    with migrated_engine(db) as engine:
        result = registry_coverage(engine)
    table = Table("street", "length m", "seen m", "share")
    for s in result.coverage.streets[:top]:
        table.add_row(s.name, f"{s.length_m:.0f}", f"{s.seen_m:.0f}", f"{100 * s.share:.0f}%")
    Console(soft_wrap=False).print(table)
    sys.stdout.write(orjson.dumps(_summary(result)).decode() + "\n")


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="GeoPackage to write.", callback=writable_file)],
    db: DbOption = None,
) -> None:
    """Write the seen area and each street's seen length to a GeoPackage (for QGIS); JSON."""
    from camroute.coverage.service import export_gpkg, registry_coverage

    with migrated_engine(db) as engine:
        result = registry_coverage(engine)
    export_gpkg(result, out)
    sys.stdout.write(orjson.dumps({**_summary(result), "path": str(out)}).decode() + "\n")
