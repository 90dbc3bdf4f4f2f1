from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from camroute.cli import app


def test_import_prints_json_summary(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    src = shared_data / "helsinki_osm" / "buildings.geojson"
    result = CliRunner().invoke(app, ["buildings", "import", str(src), "--db", db])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["imported"] == 572
    assert summary["stored"] == 572
    assert 0 < summary["with_height"] < 572


def test_import_bad_file_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "x.geojson"
    bad.write_text("nope")
    result = CliRunner().invoke(
        app, ["buildings", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 2
    assert "cannot read" in result.output
