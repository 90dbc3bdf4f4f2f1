"""``camroute report transparency|access``: the public report, the supervisors' review.

Both for a period of UTC days, as HTML, CSV or JSON (the public report also as PDF).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from camroute.cli_options import DbOption, migrated_engine, settings_for, writable_file
from camroute.errors import CamrouteError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Reports: for the public, and for supervisors."
)


def _out_file(path: Path | None) -> Path | None:
    return None if path is None else writable_file(path)


@app.command("transparency")
def transparency_cmd(
    date_from: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    date_to: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    fmt: Annotated[Literal["html", "pdf", "csv", "json"], typer.Option("--format")] = "html",
    lang: Annotated[Literal["vi", "en"], typer.Option("--lang")] = "vi",
    out: Annotated[
        Path | None, typer.Option("--out", help="File (default: stdout).", callback=_out_file)
    ] = None,
    db: DbOption = None,
) -> None:
    """Counts of calls, incidents and live views (no names, nothing finer than a ward).

    A PDF (printed by a headless Chromium) needs --out.
    """
    from camroute.reports.pdf import html_to_pdf
    from camroute.reports.render import to_csv, to_html
    from camroute.reports.service import transparency, ward_places

    if fmt == "pdf" and out is None:
        Console(stderr=True).print("a PDF needs --out FILE.pdf", markup=False)
        raise typer.Exit(2)
    try:
        with migrated_engine(db, create=False) as engine:
            report = transparency(engine, date_from=date_from.date(), date_to=date_to.date())
            wards = ward_places(engine, (c.key for c in report.incidents_by_ward))
        if fmt == "pdf" and out is not None:
            html_to_pdf(to_html(report, lang=lang, wards=wards), out)
            return
    except CamrouteError as exc:
        Console(stderr=True).print(f"cannot make the report: {exc.detail}", markup=False)
        raise typer.Exit(2) from exc
    text = {
        "html": lambda: to_html(report, lang=lang, wards=wards),
        "csv": lambda: to_csv(report),
        "json": lambda: report.model_dump_json(indent=1),
    }[fmt]()
    _write(text, out)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@app.command("access")
def access_cmd(
    date_from: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    date_to: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    fmt: Annotated[Literal["html", "csv", "json"], typer.Option("--format")] = "html",
    lang: Annotated[Literal["vi", "en"], typer.Option("--lang")] = "vi",
    out: Annotated[
        Path | None, typer.Option("--out", help="File (default: stdout).", callback=_out_file)
    ] = None,
    db: DbOption = None,
) -> None:
    """Per user: views, views off the ranking, after close, outside the shift, refusals.

    Outliers against the team's median are marked; every figure lists its audit event ids.
    Names users: for the centre's supervisors, not for publication.
    """
    from camroute.cli_options import cli_actor
    from camroute.reports.access_render import access_csv, access_html
    from camroute.reports.service import Reader, access_review, rules_from

    try:
        with migrated_engine(db, create=False) as engine:
            report = access_review(
                engine,
                date_from=date_from.date(),
                date_to=date_to.date(),
                reader=Reader(cli_actor(), "cli"),
                rules=rules_from(settings_for(db)),
            )
    except CamrouteError as exc:
        Console(stderr=True).print(f"cannot make the review: {exc.detail}", markup=False)
        raise typer.Exit(2) from exc
    text = {
        "html": lambda: access_html(report, lang=lang),
        "csv": lambda: access_csv(report),
        "json": lambda: report.model_dump_json(indent=1),
    }[fmt]()
    _write(text, out)
