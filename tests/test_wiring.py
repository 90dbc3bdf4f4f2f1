"""The composition root registers live's hooks: the CLI on its own, in a fresh process, too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from typer.testing import CliRunner
from camroute.auth.service import USER_ENDED_HOOKS
from camroute.cli import app
from camroute.incidents.retention import RETENTION_HOOKS
from camroute.incidents.service import CLOSE_HOOKS

before = (len(CLOSE_HOOKS), len(RETENTION_HOOKS), len(USER_ENDED_HOOKS))
result = CliRunner().invoke(app, ["retention", "run", "--db", sys.argv[1]])
assert result.exit_code == 0, result.output
print(before, (len(CLOSE_HOOKS), len(RETENTION_HOOKS), len(USER_ENDED_HOOKS)))
"""


def test_a_cli_command_alone_wires_live_hooks_once(tmp_path: Path) -> None:
    # In-process, create_app (any other test's) has wired them already: only a fresh process
    # shows that the CLI does it itself (retention must delete tickets without an app).
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "(0, 0, 0) (1, 1, 1)"


def test_wiring_twice_registers_each_hook_once() -> None:
    from camroute.auth.service import USER_ENDED_HOOKS
    from camroute.incidents.retention import RETENTION_HOOKS
    from camroute.incidents.service import CLOSE_HOOKS
    from camroute.wiring import wire

    wire()
    wire()
    assert (len(CLOSE_HOOKS), len(RETENTION_HOOKS), len(USER_ENDED_HOOKS)) == (1, 1, 1)
