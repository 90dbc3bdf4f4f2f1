"""The ``--db`` convention: read-only commands never create a store, and say where they looked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from camroute.cli import app
from camroute.cli_options import shown_url

READ_ONLY = [
    ["route", "--lon", "106.7", "--lat", "10.77"],
    ["lookup", "--lon", "106.7", "--lat", "10.77"],
    ["geocode", "ngã tư Lê Duẩn Tôn Đức Thắng"],
    ["cameras", "list"],
    ["audit", "verify"],
    ["audit", "list"],
    ["users", "list"],
    ["apikeys", "list"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: " ".join(a[:2]))
def test_a_read_only_command_in_an_empty_folder_creates_no_database(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAMROUTE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"no database at sqlite:///{tmp_path / 'camroute.db'}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_route_on_an_empty_registry_says_so_and_exits_1(store_engine, store_url: str) -> None:
    result = CliRunner().invoke(
        app, ["route", "--lon", "106.7", "--lat", "10.77", "--db", store_url]
    )
    assert result.exit_code == 1, result.output
    assert "camera registry at" in result.stderr
    assert "is empty" in result.stderr
    assert result.stdout == ""  # no "no camera sees this location" answer


def test_an_unreachable_database_is_one_line_without_its_password() -> None:
    url = "postgresql+psycopg://camroute:s3cret-pw@127.0.0.1:1/camroute"
    result = CliRunner().invoke(app, ["route", "--lon", "106.7", "--lat", "10.77", "--db", url])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        "error: cannot open the database at postgresql+psycopg://camroute:***@"
    )
    assert "s3cret-pw" not in result.output
    assert shown_url(url) == "postgresql+psycopg://camroute:***@127.0.0.1:1/camroute"


FILE_COMMANDS = [
    ["locate", "{f}"],
    ["cameras", "import", "{f}"],
    ["cameras", "import", "{ok}", "--mapping", "{f}"],
    ["buildings", "import", "{f}"],
    ["layers", "import", "streets", "{f}"],
    ["route", "--lon", "106.7", "--lat", "10.77", "--cameras", "{f}"],
    ["route", "--lon", "106.7", "--lat", "10.77", "--cameras", "{ok}", "--buildings", "{f}"],
]


@pytest.mark.parametrize("args", FILE_COMMANDS, ids=lambda a: " ".join(a[:3]))
@pytest.mark.parametrize(("name", "reason"), [("nope.xml", "no such file"), ("sub", "directory")])
def test_a_file_that_cannot_be_read_is_a_file_error(
    args: list[str], name: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    ok = tmp_path / "ok.csv"
    ok.write_text("id,lon,lat\nA,106.7,10.77\n", encoding="utf-8")
    bad = tmp_path / name
    argv = [a.format(f=bad, ok=ok) for a in args]
    if args[0] != "locate":  # the one command without a store
        argv += ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: cannot read {bad}: ")
    assert reason in result.stderr
    assert "location_parse_error" not in result.output
    assert not (tmp_path / "c.db").exists()


def test_an_export_into_a_missing_folder_is_a_file_error(tmp_path: Path) -> None:
    out = tmp_path / "no" / "cams.geojson"
    result = CliRunner().invoke(
        app, ["cameras", "export", str(out), "--db", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: cannot write {out}: no folder {out.parent}"
