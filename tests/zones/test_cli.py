"""``camroute zones import / list``: the JSON summary, the listing, a bad file's exit code."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


def test_import_osm_tags_then_list(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'z.db'}"
    path = shared_data / "helsinki_osm" / "buildings.geojson"
    args = ["zones", "import", str(path), "--kind-from-tag", "amenity", "--policy", "never"]
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.output.strip().splitlines()[-1]) == {
        "imported": 8,
        "skipped": 564,
        "rejected": 0,
        "by_kind": {"place_of_worship": 4, "university": 4},
    }
    listed = runner.invoke(app, ["zones", "list", "--db", db])
    lines = [orjson.loads(line) for line in listed.output.strip().splitlines()]
    assert lines[-1] == {"listed": 8, "total": 8}
    [church] = [z for z in lines[:-1] if z["id"] == "buildings:838958856"]
    assert church == {
        "id": "buildings:838958856",
        "kind": "place_of_worship",
        "name": "Helsingin tuomiokirkko",
        "policy": "never",
        "version": 1,
        "source": "buildings.geojson",
    }


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("nope", encoding="utf-8")
    result = runner.invoke(
        app, ["zones", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'z.db'}"]
    )
    assert result.exit_code == 2
    assert "cannot import" in result.output
