"""Options every data command shares: the ``--db`` convention.

Kept apart from ``camroute.cli`` so domain command modules can import it without a cycle.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.exc import OperationalError

from camroute.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: CAMROUTE_DATABASE_URL, else sqlite file camroute.db here).",
    ),
]


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (None: it can)."""
    if path.is_dir():
        return "it is a directory"
    try:
        with path.open("rb") as handle:
            handle.read(0)
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    return None


def fail_unreadable(path: Path) -> None:
    """End the command (exit 2) when ``path`` cannot be read: a file error, said as one."""
    reason = unreadable(path)
    if reason is not None:
        typer.echo(f"error: cannot read {path}: {reason}", err=True)
        raise typer.Exit(2)


def readable_file(path: Path | None) -> Path | None:
    """Typer callback for a file argument or option: checked before the command runs."""
    if path is not None:
        fail_unreadable(path)
    return path


def writable_file(path: Path) -> Path:
    """Typer callback for an output file: its folder must exist and take writes (exit 2)."""
    folder = path.parent
    reason = None
    if path.is_dir():
        reason = "it is a directory"
    elif not folder.is_dir():
        reason = f"no folder {folder}"
    elif not os.access(folder, os.W_OK):
        reason = f"folder {folder} is not writable"
    if reason is not None:
        typer.echo(f"error: cannot write {path}: {reason}", err=True)
        raise typer.Exit(2)
    return path


def settings_for(db: str | None) -> Settings:
    """Settings from the environment, with ``--db`` taking precedence."""
    return Settings(database_url=db) if db else Settings()


def shown_url(url: str) -> str:
    """``url`` as it may be printed: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist (None: it exists, or not SQLite)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def fail_missing_store(url: str) -> None:
    """End a read-only command (exit 1) when ``url`` names a SQLite file that does not exist."""
    missing = _missing_sqlite_file(url)
    if missing is not None:
        typer.echo(
            f"error: no database at {shown_url(url)} (file {missing} does not exist; "
            "--db, else CAMROUTE_DATABASE_URL, else camroute.db in this folder): nothing has "
            "been imported there",
            err=True,
        )
        raise typer.Exit(1)


@contextmanager
def migrated_engine(db: str | None, *, create: bool = True) -> Iterator[Engine]:
    """An engine on ``--db`` (else the settings' store), migrated, disposed on exit.

    ``create=False`` is for commands that only read: a SQLite file that does not exist is
    not created (an empty database would only answer "nothing here"); the command exits 1
    saying where it looked. Disposing matters even on error: a pool left to the garbage
    collector leaves its PostgreSQL connections open until the process ends.
    """
    from camroute.store import make_engine, migrate  # the store's imports are slow

    url = settings_for(db).database_url
    if not create:
        fail_missing_store(url)
    engine = make_engine(url)
    try:
        try:
            migrate(engine)
        except OperationalError as exc:  # unreachable server, unknown database, bad password
            reason = str(exc.orig or exc).strip().splitlines()[0]
            typer.echo(f"error: cannot open the database at {shown_url(url)}: {reason}", err=True)
            raise typer.Exit(1) from None
        yield engine
    finally:
        engine.dispose()


def cli_actor() -> str:
    """``cli:<os user>``, the audit log's name for command-line changes."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry and no USER variable (some containers)
        return "cli"
