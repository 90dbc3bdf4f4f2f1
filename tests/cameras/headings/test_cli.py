"""``camroute cameras suggest-headings``: a row per camera, the JSON summary last, exit codes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import shapely
from typer.testing import CliRunner

from camroute.cli import app

from .conftest import line, lonlat

runner = CliRunner()


def _geojson(path: Path, features: list[tuple[dict[str, object], shapely.Geometry]]) -> Path:
    path.write_bytes(
        orjson.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                    for p, g in features
                ],
            }
        )
    )
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    cams = _geojson(
        tmp_path / "cams.geojson",
        [
            ({"id": "A", "name": "Lê Lợi - Nguyễn Huệ"}, shapely.Point(lonlat(4, 25))),
            ({"id": "B", "name": "Hàm Nghi"}, shapely.Point(lonlat(500, 500))),
        ],
    )
    assert runner.invoke(app, ["cameras", "import", str(cams), "--db", url]).exit_code == 0
    return url


@pytest.fixture
def streets(tmp_path: Path) -> Path:
    return _geojson(
        tmp_path / "streets.geojson",
        [
            ({"name": "Đường Lê Lợi", "highway": "primary"}, line((-300, 0), (300, 0))),
            ({"name": "Nguyễn Huệ", "highway": "primary"}, line((0, -300), (0, 300))),
        ],
    )


def _summary(output: str) -> dict[str, object]:
    result: dict[str, object] = orjson.loads(output.strip().splitlines()[-1])
    return result


def test_lists_each_camera_then_the_summary(db: str, streets: Path) -> None:
    result = runner.invoke(
        app, ["cameras", "suggest-headings", "--streets", str(streets), "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert _summary(result.output) == {
        "cameras": 2,
        "with_suggestion": 1,
        "applied": 0,
        "would_apply": 0,
        "below_min_score": 0,
        "no_street": 1,
        "conflicts": 0,
        "min_score": 0.5,
        "dry_run": False,
    }
    table = result.output.splitlines()
    assert any("Nguyễn Huệ" in row and "listed" in row for row in table)
    assert any(row.startswith("│ B") and "no_street" in row for row in table)


def test_apply_best_from_the_stored_street_layer(db: str, streets: Path) -> None:
    imported = runner.invoke(app, ["layers", "import", "streets", str(streets), "--db", db])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(app, ["cameras", "suggest-headings", "--apply-best", "--db", db])
    assert _summary(result.output)["applied"] == 1
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    headings = {
        r["id"]: r["heading_deg"] for r in map(orjson.loads, listed.output.splitlines()[:-1])
    }
    assert headings["B"] is None
    assert round(headings["A"]) % 180 == 0
    again = runner.invoke(app, ["cameras", "suggest-headings", "--db", db])
    assert _summary(again.output)["cameras"] == 1  # A has a heading now


def test_dry_run_says_what_it_would_apply(db: str, streets: Path) -> None:
    args = ["cameras", "suggest-headings", "--apply-best", "--dry-run", "--streets", str(streets)]
    result = runner.invoke(app, [*args, "--db", db])
    assert (_summary(result.output)["would_apply"], _summary(result.output)["dry_run"]) == (1, True)
    again = runner.invoke(
        app, ["cameras", "suggest-headings", "--streets", str(streets), "--db", db]
    )
    assert _summary(again.output)["cameras"] == 2


def test_high_min_score_applies_nothing(db: str, streets: Path) -> None:
    args = ["cameras", "suggest-headings", "--apply-best", "--min-score", "0.99"]
    result = runner.invoke(app, [*args, "--streets", str(streets), "--db", db])
    assert _summary(result.output)["applied"] == 0
    assert _summary(result.output)["below_min_score"] == 1


def test_no_streets_exits_2(db: str) -> None:
    result = runner.invoke(app, ["cameras", "suggest-headings", "--db", db])
    assert result.exit_code == 2
    assert "no streets" in result.output
