"""``camroute users ...`` and ``camroute apikeys ...``: manage who may log in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from camroute.auth import service
from camroute.auth.models import Role
from camroute.cli_options import DbOption, cli_actor, fail_missing_store, settings_for
from camroute.errors import CamrouteError
from camroute.settings import Settings
from camroute.store import make_engine, migrate

users_app: typer.Typer = typer.Typer(
    no_args_is_help=True, help="Users who log in to the web page and API."
)
apikeys_app: typer.Typer = typer.Typer(
    no_args_is_help=True, help="API keys for integrations (telephony, CAD)."
)


err = Console(stderr=True)
ACTOR_ROLE = "cli"


@contextmanager
def _store(db: str | None, *, create: bool = True) -> Iterator[tuple[Engine, Settings]]:
    settings = settings_for(db)
    if not create:  # a listing creates no database just to find it empty
        fail_missing_store(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        yield engine, settings
    except CamrouteError as exc:
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


def _read_password() -> str:
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
]


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
) -> None:
    """Add a user; without --password-stdin a password is generated and printed once."""
    with _store(db) as (engine, settings):
        password = _read_password() if password_stdin else None
        new = service.add_user(
            engine,
            settings,
            name=name,
            role=role,
            password=password,
            actor=cli_actor(),
            actor_role=ACTOR_ROLE,
        )
    err.print(f"user {new.user.name} added with role {new.user.role.value}")
    if new.generated:
        err.print("generated password (shown once):")
        typer.echo(new.password)


@users_app.command("list")
def list_users(db: DbOption = None) -> None:
    """List users and whether they are disabled."""
    with _store(db, create=False) as (engine, _):
        users = service.list_users(engine)
    table = Table("name", "role", "disabled", "created (UTC)")
    for u in users:
        table.add_row(u.name, u.role.value, "yes" if u.disabled else "no", u.created_at.isoformat())
    Console().print(table)


@users_app.command("disable")
def disable_user(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Disable a user; their tokens stop working on the next request, their live views end."""
    with _store(db) as (engine, _):
        service.disable_user(engine, name, actor=cli_actor(), actor_role=ACTOR_ROLE)
        ended = service.user_ended(engine, name, because="user_disabled")
    err.print(f"user {name} disabled" + (f"; {len(ended)} live view(s) ended" if ended else ""))


@users_app.command("enable")
def enable_user(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Re-enable a disabled user."""
    with _store(db) as (engine, _):
        service.set_user_disabled(
            engine, name, disabled=False, actor=cli_actor(), actor_role=ACTOR_ROLE
        )
    err.print(f"user {name} enabled")


@users_app.command("passwd")
def reset_password(
    name: Annotated[str, typer.Argument()],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
) -> None:
    """Set a new password (printed once when generated); the user's sessions end."""
    with _store(db) as (engine, settings):
        password = _read_password() if password_stdin else None
        new = service.reset_password(
            engine,
            settings,
            name,
            password=password,
            actor=cli_actor(),
            actor_role=ACTOR_ROLE,
        )
        service.user_ended(engine, name, because="session_ended")  # granted in those sessions
    err.print(f"password of {name} changed; their sessions and live views have ended")
    if new.generated:
        err.print("generated password (shown once):")
        typer.echo(new.password)


@apikeys_app.command("create")
def create_key(
    name: Annotated[str, typer.Argument(help="Name of the integration.")],
    role: Annotated[Role, typer.Option(help="What the key may do.")] = Role.integration,
    db: DbOption = None,
) -> None:
    """Create an API key and print it once (only its SHA-256 digest is stored)."""
    with _store(db) as (engine, _):
        new = service.create_api_key(
            engine, name=name, role=role, actor=cli_actor(), actor_role=ACTOR_ROLE
        )
    err.print(f"API key {name} created with role {role.value}; send it as X-API-Key (shown once):")
    typer.echo(new.key)


@apikeys_app.command("list")
def list_keys(db: DbOption = None) -> None:
    """List API keys (name, role, first characters)."""
    with _store(db, create=False) as (engine, _):
        keys = service.list_api_keys(engine)
    table = Table("name", "role", "prefix", "disabled", "created (UTC)")
    for k in keys:
        table.add_row(
            k.name, k.role.value, k.prefix, "yes" if k.disabled else "no", k.created_at.isoformat()
        )
    Console().print(table)


@apikeys_app.command("disable")
def disable_key(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Disable an API key at once."""
    with _store(db) as (engine, _):
        service.disable_api_key(engine, name, actor=cli_actor(), actor_role=ACTOR_ROLE)
    err.print(f"API key {name} disabled")
