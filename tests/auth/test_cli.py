from __future__ import annotations

from pathlib import Path

import pytest
from tests.auth.conftest import fast_settings
from typer.testing import CliRunner

from camroute.auth import service
from camroute.cli import app
from camroute.errors import AuthenticationError
from camroute.store import make_engine

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_add_without_password_prints_a_generated_one(db: str) -> None:
    r = runner.invoke(app, ["users", "add", "an", "--role", "dispatcher", "--db", db])
    assert r.exit_code == 0, r.output
    password = r.stdout.strip().splitlines()[-1]
    assert len(password) == 24
    engine = make_engine(db)
    try:
        token = service.login(engine, fast_settings(db), username="an", password=password)
        assert token.role == "dispatcher"
    finally:
        engine.dispose()


def test_add_with_password_stdin_prints_no_password(db: str) -> None:
    r = runner.invoke(
        app,
        ["users", "add", "bo", "--role", "auditor", "--password-stdin", "--db", db],
        input="a long enough passphrase\n",
    )
    assert r.exit_code == 0, r.output
    assert "passphrase" not in r.output
    assert r.stdout == ""
    listed = runner.invoke(app, ["users", "list", "--db", db])
    assert "bo" in listed.stdout
    assert "auditor" in listed.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "an", "--role", "boss"], None, "boss"),
        (
            ["users", "add", "an", "--role", "dispatcher", "--password-stdin"],
            "short\n",
            "at least 12",
        ),
        (["users", "add", "bad name", "--role", "dispatcher"], None, "must be 1-64"),
        (["users", "disable", "ghost"], None, "no user named 'ghost'"),
    ],
)
def test_bad_commands_fail_with_a_message(
    db: str, args: list[str], stdin: str | None, message: str
) -> None:
    r = runner.invoke(app, [*args, "--db", db], input=stdin)
    assert r.exit_code != 0
    assert message in r.output


def test_duplicate_user_fails(db: str) -> None:
    assert (
        runner.invoke(app, ["users", "add", "an", "--role", "dispatcher", "--db", db]).exit_code
        == 0
    )
    r = runner.invoke(app, ["users", "add", "an", "--role", "auditor", "--db", db])
    assert r.exit_code == 1
    assert "already exists" in r.output


def test_disable_marks_the_user(db: str) -> None:
    runner.invoke(app, ["users", "add", "an", "--role", "dispatcher", "--db", db])
    r = runner.invoke(app, ["users", "disable", "an", "--db", db])
    assert r.exit_code == 0, r.output
    listed = runner.invoke(app, ["users", "list", "--db", db])
    assert "yes" in listed.stdout


@pytest.mark.parametrize(
    ("extra", "role"), [([], "integration"), (["--role", "supervisor"], "supervisor")]
)
def test_apikey_is_printed_once_and_works(db: str, extra: list[str], role: str) -> None:
    r = runner.invoke(app, ["apikeys", "create", "cad", *extra, "--db", db])
    assert r.exit_code == 0, r.output
    key = r.stdout.strip()
    assert key.startswith("crk_")
    engine = make_engine(db)
    try:
        assert service.principal_from_api_key(engine, key).role == role
    finally:
        engine.dispose()
    listed = runner.invoke(app, ["apikeys", "list", "--db", db])
    assert key not in listed.stdout
    assert key[:10] in listed.stdout
    assert runner.invoke(app, ["apikeys", "disable", "cad", "--db", db]).exit_code == 0


def test_passwd_sets_a_new_password_and_ends_sessions(db: str) -> None:
    runner.invoke(app, ["users", "add", "an", "--role", "dispatcher", "--db", db])
    settings = fast_settings(db)
    engine = make_engine(db)
    try:
        r = runner.invoke(app, ["users", "passwd", "an", "--db", db])
        assert r.exit_code == 0, r.output
        new_password = r.stdout.strip().splitlines()[-1]
        token = service.login(engine, settings, username="an", password=new_password)
        r = runner.invoke(
            app,
            ["users", "passwd", "an", "--password-stdin", "--db", db],
            input="another fine phrase\n",
        )
        assert r.exit_code == 0, r.output
        assert r.stdout == ""
        with pytest.raises(AuthenticationError, match="session has ended"):
            service.principal_from_token(engine, settings, token.access_token)
        with pytest.raises(AuthenticationError):
            service.login(engine, settings, username="an", password=new_password)
        assert service.login(engine, settings, username="an", password="another fine phrase")
    finally:
        engine.dispose()


def test_enable_reverses_disable(db: str) -> None:
    r = runner.invoke(app, ["users", "add", "an", "--role", "dispatcher", "--db", db])
    password = r.stdout.strip().splitlines()[-1]
    runner.invoke(app, ["users", "disable", "an", "--db", db])
    assert runner.invoke(app, ["users", "enable", "an", "--db", db]).exit_code == 0
    engine = make_engine(db)
    try:
        assert service.login(engine, fast_settings(db), username="an", password=password)
    finally:
        engine.dispose()
    assert runner.invoke(app, ["users", "enable", "ghost", "--db", db]).exit_code == 1
