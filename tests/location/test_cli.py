"""``camroute locate``: one JSON object on stdout (exit 0), or a problem on stderr (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from camroute.cli import app
from camroute.location import CallerLocation

Vector = Callable[[str], bytes]
VECTORS = Path(__file__).resolve().parents[1] / "data" / "location"
runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "args", "fmt"),
    [
        ("pidflo_ellipse_rfc5491.xml", [], "pidf-lo"),
        ("pidflo_ellipse_rfc5491.xml", ["--format", "pidf-lo"], "pidf-lo"),
        ("aml_sms_v1_gps_france.txt", ["--format", "aml"], "aml"),
        ("aml_https_uk_full.txt", ["--format", "aml"], "aml"),
        ("pflau_arcband_sample.json", ["--format", "json"], "json"),
    ],
)
def test_locate_file_prints_one_json_object(name: str, args: list[str], fmt: str) -> None:
    result = runner.invoke(app, ["locate", str(VECTORS / name), *args])
    assert result.exit_code == 0, result.output
    loc = CallerLocation.model_validate_json(result.stdout)
    assert loc.format == fmt
    assert result.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("stdin", "args", "fmt"),
    [
        ("geo:10.7769,106.7009;u=35", [], "geo-uri"),
        ("geo:10.7769,106.7009;u=35", ["--format", "geo-uri"], "geo-uri"),
        ("7P28QMFX+26", ["--format", "plus-code"], "plus-code"),
        ('{"lon": 106.7, "lat": 10.77}', ["--format", "auto"], "json"),
    ],
)
def test_locate_reads_stdin(stdin: str, args: list[str], fmt: str) -> None:
    result = runner.invoke(app, ["locate", "-", *args], input=stdin)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == fmt


@pytest.mark.parametrize(
    ("argv", "stdin", "code"),
    [
        ([str(VECTORS / "constructed_pidflo_xxe_must_reject.xml")], None, "location_parse_error"),
        ([str(VECTORS / "aml_sms_v1_no_location.txt")], None, "location_parse_error"),
        (["-"], "12 Lê Lợi, Bến Thành", "needs_geocoding"),
        (["-", "--format", "json"], "geo:1,2", "location_parse_error"),
    ],
)
def test_bad_input_prints_a_problem_and_exits_2(
    argv: list[str], stdin: str | None, code: str
) -> None:
    result = runner.invoke(app, ["locate", *argv], input=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    problem = json.loads(result.stderr)
    assert problem["code"] == code
    assert problem["status"] == 422


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["locate", "-", "--format", "kml"], input="x")
    assert result.exit_code == 2
    assert "kml" in result.stderr


def test_installed_command_runs_in_a_subprocess(tmp_path: Path) -> None:
    message = tmp_path / "call.txt"
    message.write_text('A"ML=1;lt=+16.06800;lg=+108.22400;rd=15;top=20250701010203;lc=68;pm=G')
    script = "from camroute.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script, "locate", str(message)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["lat"] == 16.068
