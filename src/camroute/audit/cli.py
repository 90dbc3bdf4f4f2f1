"""``camroute audit verify`` and ``camroute audit list``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from camroute.audit import service
from camroute.audit.models import AuditQuery
from camroute.cli_options import DbOption, migrated_engine

app: typer.Typer = typer.Typer(no_args_is_help=True, help="The hash-chained audit log.")


err = Console(stderr=True)


def _parse_anchor(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    event_id, _, digest = value.partition(":")
    if not event_id.isdigit() or len(digest) != 64:
        raise typer.BadParameter(f"{value!r} is not ID:HASH (a head printed by verify)")
    return int(event_id), digest.lower()


@app.command("verify")
def verify(
    db: DbOption = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            help="ID:HASH of a head printed earlier and kept outside the database; "
            "catches a rewrite that recomputed every hash."
        ),
    ] = None,
) -> None:
    """Check the whole chain: exit 0 when intact, 1 naming the first broken event."""
    expected = _parse_anchor(anchor)
    with migrated_engine(db, create=False) as engine:
        result = service.verify(engine, anchor=expected)
    if result.ok:
        typer.echo(
            f"audit chain intact: {result.checked} events, head {result.head_id}:{result.head_hash}"
        )
        return
    typer.echo(
        f"audit chain BROKEN at event {result.broken_event_id}: {result.reason} "
        f"({result.checked} events verified before it)",
        err=True,
    )
    raise typer.Exit(1)


@app.command("list")
def list_events(
    db: DbOption = None,
    camera: Annotated[str | None, typer.Option(help="Subject (camera id).")] = None,
    user: Annotated[str | None, typer.Option(help="Actor (user or key name).")] = None,
    incident: Annotated[str | None, typer.Option(help="Incident id.")] = None,
    action: Annotated[str | None, typer.Option(help="Action name.")] = None,
    since: Annotated[datetime | None, typer.Option(help="From this UTC time (inclusive).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
) -> None:
    """Show the newest events matching the filters."""
    if since is not None and since.tzinfo is None:
        from datetime import UTC

        since = since.replace(tzinfo=UTC)
    q = AuditQuery(
        subject=camera,
        actor=user,
        incident_id=incident,
        action=action,
        time_from=since,
        limit=limit,
    )
    with migrated_engine(db, create=False) as engine:
        page = service.query(engine, q)
    table = Table("id", "time (UTC)", "actor", "role", "action", "subject", "incident", "purpose")
    for e in page.items:
        table.add_row(
            str(e.id),
            e.time.isoformat(timespec="seconds"),
            e.actor,
            e.role,
            e.action,
            e.subject or "",
            e.incident_id or "",
            e.purpose or "",
        )
    Console().print(table)
    err.print(f"{len(page.items)} of {page.total} matching events")
