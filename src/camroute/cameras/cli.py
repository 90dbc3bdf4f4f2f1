"""``camroute cameras ...``: import, export, list, suggest headings for the registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from camroute.cameras.secrets import cipher_for
from camroute.cli_options import (
    DbOption,
    cli_actor,
    migrated_engine,
    readable_file,
    settings_for,
    writable_file,
)
from camroute.errors import CamrouteError

if TYPE_CHECKING:
    from camroute.cameras.headings.service import HeadingRun

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The camera registry.")
PROGRESS_MIN_ROWS = 20_000


@app.command("import")
def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            help="GeoJSON, GeoPackage, Shapefile, CSV, OSM XML/JSON.", callback=readable_file
        ),
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="JSON column mapping for other schemas.", callback=readable_file
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing if any row is rejected (exit 1).")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Provenance name (default: the file name).")
    ] = None,
    id_prefix: Annotated[
        str | None, typer.Option("--id-prefix", help="Prefix for every id (e.g. 'hp-').")
    ] = None,
    db: DbOption = None,
) -> None:
    """Import cameras: print each rejected row, then a JSON summary as the last line."""
    from dataclasses import replace

    from camroute.cameras.mapping import Mapping, load_mapping
    from camroute.cameras.service import import_file

    out, err = Console(soft_wrap=True), Console(stderr=True)
    try:
        loaded = load_mapping(mapping) if mapping else None
        if id_prefix is not None:
            loaded = replace(loaded or Mapping(), id_prefix=id_prefix)
        settings = settings_for(db)
        with migrated_engine(db) as engine, _progress(err) as bar:
            task = bar.add_task("importing", total=None)
            report = import_file(
                engine,
                path,
                mapping=loaded,
                source=source,
                dry_run=dry_run,
                strict=strict,
                actor=cli_actor(),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                cipher=cipher_for(settings.credentials_key),
                networks=settings.camera_allow_list(),
            )
    except CamrouteError as exc:
        err.print(f"[red]cannot import {path}:[/red] {exc.detail}", markup=True, highlight=False)
        raise typer.Exit(2) from exc
    for note in report.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    for issue in report.warnings:
        out.print(f"warning {issue}", markup=False, highlight=False)
    for issue in report.rejects:
        out.print(f"rejected {issue}", markup=False, highlight=False)
    out.print(
        f"{report.total} rows: {report.imported} new, {report.updated} changed, "
        f"{report.unchanged} unchanged, {len(report.rejects)} rejected"
        + (" (dry run: nothing written)" if dry_run else "")
        + (" (--strict: rows were rejected, nothing written)" if report.refused else ""),
        markup=False,
        highlight=False,
    )
    sys.stdout.write(orjson.dumps(report.summary()).decode() + "\n")
    if report.refused:
        raise typer.Exit(1)


def _progress(console: Console) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="Output file.", callback=writable_file)],
    fmt: Annotated[
        Literal["geojson", "gpkg"], typer.Option("--format", help="geojson or gpkg.")
    ] = "geojson",
    cones: Annotated[bool, typer.Option("--cones", help="Add view-cone polygons.")] = False,
    stream_urls: Annotated[
        bool,
        typer.Option(
            "--stream-urls",
            help="Include the stream URLs (GIS admins only; default: has_* flags).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export the registry: where cameras stream only with --stream-urls; no credentials."""
    from camroute.cameras.export import export_registry

    try:
        with migrated_engine(db) as engine:
            count = export_registry(engine, out, fmt=fmt, cones=cones, stream_urls=stream_urls)
    except CamrouteError as exc:
        Console(stderr=True).print(f"cannot export: {exc.detail}", markup=False)
        raise typer.Exit(2) from exc
    sys.stdout.write(orjson.dumps({"exported": count, "path": str(out)}).decode() + "\n")


@app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    db: DbOption = None,
) -> None:
    """Print cameras as JSON lines (id, lon, lat, kind, heading, hfov, range, status)."""
    from camroute.cameras.store import list_cameras

    with migrated_engine(db, create=False) as engine, engine.connect() as conn:
        rows, total = list_cameras(conn, status=status, limit=limit)
    keys = ("id", "lon", "lat", "kind", "heading_deg", "hfov_deg", "range_m", "status")
    for row in rows:
        sys.stdout.write(orjson.dumps({k: row[k] for k in keys}).decode() + "\n")
    sys.stdout.write(orjson.dumps({"listed": len(rows), "total": total}).decode() + "\n")


@app.command("seal-credentials")
def seal_credentials_cmd(db: DbOption = None) -> None:
    """Seal every stored stream password with CAMROUTE_CREDENTIALS_KEY (idempotent); JSON."""
    from camroute.cameras.store import seal_credentials

    cipher = cipher_for(settings_for(db).credentials_key)
    if cipher is None:
        Console(stderr=True).print("CAMROUTE_CREDENTIALS_KEY is not set: nothing to seal with")
        raise typer.Exit(2)
    with migrated_engine(db) as engine:
        sealed = seal_credentials(engine, cipher)
    sys.stdout.write(orjson.dumps({"sealed": sealed}).decode() + "\n")


@app.command("suggest-headings")
def suggest_headings_cmd(
    apply_best: Annotated[
        bool, typer.Option("--apply-best", help="Store each best suggestion as `suggested`.")
    ] = False,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Apply only at this score.")
    ] = 0.5,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --apply-best: say what, write nothing.")
    ] = False,
    streets: Annotated[
        Path | None,
        typer.Option(
            "--streets",
            help="Street file (default: the stored `streets` layer).",
            callback=readable_file,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Likely headings of fixed cameras without one, from the streets around them.

    A row per camera, then a JSON summary as the last line.
    """
    from camroute.areas.service import file_streets, stored_streets
    from camroute.cameras.headings.service import apply_best as apply
    from camroute.cameras.headings.service import street_network, suggest_registry

    err = Console(stderr=True)
    try:
        with migrated_engine(db) as engine:
            layer = file_streets(streets) if streets else stored_streets(engine)
            if not layer:
                err.print("no streets: import a street layer (camroute layers import streets)")
                raise typer.Exit(2)
            run = suggest_registry(engine, street_network(layer), min_score=min_score)
            if apply_best:
                run = apply(engine, run, dry_run=dry_run, actor=cli_actor())
    except CamrouteError as exc:
        err.print(f"cannot suggest headings: {exc.detail}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    _heading_table(run)
    sys.stdout.write(orjson.dumps(run.summary()).decode() + "\n")


def _heading_table(run: HeadingRun) -> None:
    from rich.table import Table

    table = Table("camera", "name", "best °", "score", "street", "others °", "outcome")
    for row in run.rows:
        best, others = row.found.best, row.found.suggestions[1:]
        table.add_row(
            row.found.camera_id,
            row.found.name or "",
            f"{best.heading_deg:.0f}" if best else "-",
            f"{best.score:.2f}" if best else "-",
            best.street if best else "-",
            " ".join(f"{s.heading_deg:.0f}" for s in others),
            row.outcome,
        )
    Console(soft_wrap=False).print(table)


@app.command("onvif-probe")
def onvif_probe_cmd(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Camera ids (or --all).", show_default=False)
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every camera that has an onvif_url.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Ask the cameras; write nothing.")
    ] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Cameras asked at once.")] = 8,
    timeout_s: Annotated[
        float, typer.Option("--timeout-s", min=0.1, max=120, help="Per camera, in seconds.")
    ] = 10.0,
    db: DbOption = None,
) -> None:
    """Ask cameras over ONVIF; fill stream URIs and PTZ (provenance onvif); JSON summary last.

    Exit 1 when any camera failed (each is listed with its reason), 2 on bad usage.
    """
    from camroute.cameras.onvif_probe import probe_cameras, summary
    from camroute.cameras.onvif_table import probe_table

    err = Console(stderr=True)
    if bool(ids) == all_:
        err.print("name camera ids or --all (not both)", markup=False)
        raise typer.Exit(2)
    settings = settings_for(db)
    try:
        with migrated_engine(db) as engine:
            results = probe_cameras(
                engine,
                None if all_ else list(dict.fromkeys(ids or [])),
                dry_run=dry_run,
                cipher=cipher_for(settings.credentials_key),
                networks=settings.camera_allow_list(),
                concurrency=concurrency,
                timeout_s=timeout_s,
                actor=cli_actor(),
            )
    except CamrouteError as exc:
        err.print(f"cannot probe: {exc.detail}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    Console(soft_wrap=True).print(probe_table(results, dry_run=dry_run))
    done = summary(results, dry_run=dry_run)
    sys.stdout.write(done.model_dump_json() + "\n")
    if done.failed:
        raise typer.Exit(1)
