from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from camroute.cli import app


def test_import_prints_one_json_summary(tmp_path: Path, hcmc_streets: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    args = ["basemap", "import", str(hcmc_streets), "--bbox", "106.69,10.77,106.71,10.79"]
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["files"] == 1
    assert 0 < summary["stored"] < summary["read"] == 4855
    assert summary["layers"]["roads"] == summary["stored"]
    assert summary["bbox"] == [106.69, 10.77, 106.71, 10.79]


def test_a_bad_bbox_fails_cleanly(tmp_path: Path, hcmc_streets: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = CliRunner().invoke(
        app, ["basemap", "import", str(hcmc_streets), "--bbox", "106.7,10.8", "--db", db]
    )
    assert result.exit_code == 2
    assert "bbox" in result.output


def test_an_unreadable_file_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["basemap", "import", str(tmp_path / "none.osm.pbf"), "--db", "sqlite://"]
    )
    assert result.exit_code == 2
    assert "cannot read" in result.output
