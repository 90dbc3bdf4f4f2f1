from __future__ import annotations

import socket
import sys

import pytest
from typer.testing import CliRunner

from camroute.cli import app


def test_busy_port_fails_at_once_with_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["demo", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "choose another --port" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "hanoi"], "--city"),
        (["--calls-per-minute", "0"], "--calls-per-minute"),
        (["--port", "70000"], "--port"),
    ],
)
def test_bad_options_are_refused_before_anything_starts(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["demo", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_help_names_every_option() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--city", "--calls-per-minute", "--seed"):
        assert option in result.output


def test_without_pillow_the_demo_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # as after a plain `pip install camroute`
    result = CliRunner().invoke(app, ["demo", "--port", "1"])
    assert result.exit_code == 2
    assert "Pillow, which is not installed" in result.output
    assert "pip install 'camroute[sim]'" in result.output
