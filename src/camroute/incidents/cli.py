"""``camroute retention run``: purge precise caller locations after the retention period."""

from __future__ import annotations

from typing import Annotated

import typer

from camroute.cli_options import DbOption, migrated_engine, settings_for

app: typer.Typer = typer.Typer(no_args_is_help=True, add_completion=False, help="Data retention.")


@app.command("run")
def run(
    db: DbOption = None,
    days: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Purge incidents closed more than N days ago (default: CAMROUTE_RETENTION_DAYS).",
        ),
    ] = None,
) -> None:
    """Purge precise locations of incidents closed long ago (ward, hotline, times stay)."""
    from camroute.cli_options import cli_actor
    from camroute.incidents.retention import run_retention

    settings = settings_for(db)
    with migrated_engine(db) as engine:
        report = run_retention(
            engine,
            days=settings.retention_days if days is None else days,
            actor=cli_actor(),
            role="cli",
        )
    typer.echo(
        f"purged {report.incidents} incidents ({report.locations} locations) closed before "
        f"{report.cutoff.isoformat()}; deleted {report.tickets} expired tickets"
    )
