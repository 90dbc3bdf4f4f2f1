"""Every ``--help`` reads as plain text: no reStructuredText markup leaks from docstrings."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from camroute.cli import app


def _paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _paths(sub, (*prefix, name))
    return paths


COMMANDS = _paths(typer.main.get_command(app))


def test_every_command_is_walked() -> None:
    assert ("locate",) in COMMANDS
    assert ("cameras", "import") in COMMANDS
    assert len(COMMANDS) > 20


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "camroute")
def test_help_is_plain_text(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    for markup in ("``", ":param", ":func:", ":mod:", ":class:", ":data:"):
        assert markup not in result.output, f"{markup!r} in camroute {' '.join(path)} --help"
    directive = re.search(r"(?m)^[\s│]*\.\. ", result.output)  # ".. note::", ".. code-block::"
    assert directive is None, f"'.. ' in camroute {' '.join(path)} --help"


def test_help_paragraphs_are_not_broken_mid_sentence() -> None:
    result = CliRunner().invoke(app, ["locate", "--help"], env={"COLUMNS": "200"})
    assert "bad input prints a problem JSON on stderr and exits 2." in result.output
