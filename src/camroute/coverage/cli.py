"""``camroute coverage report`` and ``camroute coverage export OUT.gpkg``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import orjson
import typer
from rich.console import Console
from rich.table import Table

from camroute.cli_options import DbOption, migrated_engine, readable_file, writable_file
from camroute.errors import CamrouteError

if TYPE_CHECKING:
    from camroute.coverage.service import CoverageResult

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Where the cameras see.")
MonthsOption = Annotated[
    int, typer.Option("--months", min=1, max=120, help="Incidents of the last N months.")
]


def _since(months: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=30 * months)


def _summary(result: CoverageResult) -> dict[str, object]:
    c = result.coverage
    return {
        "cameras": c.cameras,
        "seen_area_m2": c.seen_area_m2,
        "street_length_m": c.street_length_m,
        "street_seen_m": c.street_seen_m,
        "street_share": c.street_share,
        "streets": len(c.streets),
        "incidents": result.incidents.incidents,
        "incidents_seen": result.incidents.seen,
        "incident_share": result.incidents.share,
        "wards": len(result.wards),
        "wards_approximate": result.wards_approximate,
        "blind_stretches": len(result.blind),
        "blind_m": round(sum(b.length_m for b in result.blind), 1),
    }


def _print_tables(result: CoverageResult, top: int) -> None:
    table = Table("street", "length m", "seen m", "share")
    for s in result.coverage.streets[:top]:
        table.add_row(s.name, f"{s.length_m:.0f}", f"{s.seen_m:.0f}", f"{100 * s.share:.0f}%")
    Console(soft_wrap=False).print(table)
    wards = Table("ward", "street km", "seen", "incidents", "seen")
    for w in result.wards[:top]:
        wards.add_row(
            w.name, f"{w.street_length_m / 1000:.2f}", f"{100 * w.street_share:.0f}%",
            str(w.incidents), f"{100 * w.incident_share:.0f}%",
        )  # fmt: skip
    Console(soft_wrap=False).print(wards)
    recorded = Table("ward recorded with the incident", "incidents", "seen", "share")
    for r in result.incidents.wards[:top]:
        recorded.add_row(r.ward, str(r.incidents), str(r.seen), f"{100 * r.share:.0f}%")
    Console(soft_wrap=False).print(recorded)
    blind = Table("#", "blind stretch", "length m", "incidents", "per km")
    for n, b in enumerate(result.blind[:top], start=1):
        blind.add_row(str(n), b.name, f"{b.length_m:.0f}", str(b.incidents), f"{b.per_km:.1f}")
    Console(soft_wrap=False).print(blind)


def _out_file(path: Path | None) -> Path | None:
    return None if path is None else writable_file(path)


@app.command("report")
def report_cmd(
    top: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per table.")] = 20,
    months: MonthsOption = 12,
    near_m: Annotated[
        float, typer.Option("--near-m", min=0, max=1000, help="Incidents this near a stretch.")
    ] = 30.0,
    min_blind_m: Annotated[
        float,
        typer.Option("--min-blind-m", min=0, max=10_000, help="Shorter blind pieces skipped."),
    ] = 50.0,
    fmt: Annotated[Literal["text", "html", "pdf"], typer.Option("--format")] = "text",
    lang: Annotated[Literal["vi", "en"], typer.Option("--lang")] = "vi",
    out: Annotated[
        Path | None, typer.Option("--out", help="File (html: default stdout).", callback=_out_file)
    ] = None,
    db: DbOption = None,
) -> None:
    """Streets, wards and blind stretches; text ends with a JSON summary line.

    ``--format html|pdf`` writes the report page (map picture and tables); a PDF needs --out.
    """
    from camroute.coverage.render import to_html
    from camroute.coverage.service import registry_coverage
    from camroute.reports.pdf import html_to_pdf

    if fmt == "pdf" and out is None:
        Console(stderr=True).print("a PDF needs --out FILE.pdf", markup=False)
        raise typer.Exit(2)
    with migrated_engine(db) as engine:
        result = registry_coverage(
            engine, since=_since(months), near_m=near_m, min_blind_m=min_blind_m
        )
    if fmt == "text":
        _print_tables(result, top)
        sys.stdout.write(orjson.dumps(_summary(result)).decode() + "\n")
        return
    html = to_html(
        result, lang=lang, months=months, top=top, near_m=near_m, made_at=datetime.now(UTC)
    )
    if fmt == "pdf" and out is not None:
        try:
            html_to_pdf(html, out)
        except CamrouteError as exc:
            Console(stderr=True).print(f"cannot make the PDF: {exc.detail}", markup=False)
            raise typer.Exit(2) from exc
    elif out is not None:
        out.write_text(html, encoding="utf-8")
    else:
        sys.stdout.write(html)


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="GeoPackage to write.", callback=writable_file)],
    months: MonthsOption = 12,
    db: DbOption = None,
) -> None:
    """Write the seen area and each street's seen length to a GeoPackage (for QGIS); JSON."""
    from camroute.coverage.service import export_gpkg, registry_coverage

    with migrated_engine(db) as engine:
        result = registry_coverage(engine, since=_since(months))
    export_gpkg(result, out)
    sys.stdout.write(orjson.dumps({**_summary(result), "path": str(out)}).decode() + "\n")


@app.command("plan")
def plan_cmd(
    budget: Annotated[int, typer.Option("--budget", min=1, max=1000, help="New cameras.")],
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            help="Candidate sites (points; default: the street corners).",
            callback=readable_file,
        ),
    ] = None,
    months: MonthsOption = 12,
    db: DbOption = None,
) -> None:
    """Propose new camera sites and headings adding the most unseen street; a row each, JSON.

    The plan is kept as the last one: the map's coverage layer draws it.
    """
    from camroute.areas.importers import ImportOptions, read_layer
    from camroute.coverage.service import plan_cameras
    from camroute.coverage.store import SavedPlan, save_plan

    sites = read_layer(candidates, ImportOptions(kind="pois"))[0] if candidates else None
    with migrated_engine(db) as engine:
        planned = plan_cameras(engine, budget=budget, since=_since(months), sites=sites)
        made = SavedPlan(made_at=datetime.now(UTC), months=months, budget=budget, cameras=planned)
        save_plan(engine, made)
    table = Table("#", "site", "lon", "lat", "heading °", "gain m", "weighted")
    for p in planned:
        table.add_row(
            str(p.rank), p.site, f"{p.lon:.6f}", f"{p.lat:.6f}", f"{p.heading_deg:.0f}",
            f"{p.gain_m:.0f}", f"{p.weighted_gain:.0f}",
        )  # fmt: skip
    Console(soft_wrap=False).print(table)
    summary = {
        "planned": len(planned),
        "gain_m": round(sum(p.gain_m for p in planned), 1),
        "cameras": [p.model_dump() for p in planned],
        "saved": True,
    }
    sys.stdout.write(orjson.dumps(summary).decode() + "\n")
