"""``camroute layers import``, ``camroute lookup`` and ``camroute geocode``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'camroute.db'}"


def test_import_then_lookup_and_geocode(db: str, shared_data: Path) -> None:
    hp = shared_data / "haiphong"
    for path in sorted((hp / "wards_2025").glob("*.geojson")):
        code, out = _run(
            "layers",
            "import",
            "admin",
            str(path),
            "--level",
            "ward",
            "--name-field",
            "ten_xa",
            "--code-field",
            "ma_xa",
            "--valid-from",
            "2025-07-01",
            "--db",
            db,
        )
        assert code == 0, out
        assert json.loads(out.strip().splitlines()[-1]) == {"imported": 1, "rejected": 0}
    code, out = _run(
        "layers", "import", "stations", str(hp / "police_hq.json"), "--service", "113", "--db", db
    )
    assert json.loads(out.strip().splitlines()[-1]) == {"imported": 15, "rejected": 0}
    code, out = _run(
        "layers",
        "import",
        "service-areas",
        str(hp / "wards_2025" / "HongBang.geojson"),
        "--service",
        "113",
        "--name-field",
        "ten_xa",
        "--db",
        db,
    )
    assert json.loads(out.strip().splitlines()[-1]) == {"imported": 1, "rejected": 0}
    links = shared_data / "vn_admin" / "dvhcvn_20250701_merges_new_to_old.json"
    code, out = _run("layers", "import", "admin-links", str(links), "--db", db)
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1])["imported"] > 10_000
    code, out = _run("lookup", "--lon", "106.6558", "--lat", "20.8674", "--db", db)
    report = json.loads(out)
    assert code == 0
    assert report["admin"]["ward"]["code"] == "11311"
    assert report["admin"]["legacy_district"]["name"] == "Quận Hồng Bàng"
    assert report["services"]["113"]["basis"] == "area"
    assert report["services"]["113"]["name"] == "Hồng Bàng"  # the HQ inside, by code order
    code, out = _run(
        "lookup",
        "--lon",
        "106.6558",
        "--lat",
        "20.8674",
        "--at",
        "2025-01-01T00:00:00Z",
        "--db",
        db,
    )
    assert json.loads(out)["admin"] == {}
    code, out = _run("geocode", "phuong hong bang", "--limit", "2", "--db", db)
    candidates = json.loads(out)["candidates"]
    assert candidates[0]["label"].startswith("Phường Hồng Bàng")
    assert len(candidates) <= 2


def test_import_streets_from_osm(db: str, shared_data: Path) -> None:
    osm = shared_data / "zurich_osm" / "zurich_highways_overpass_2025-05-18.osm"
    code, out = _run("layers", "import", "streets", str(osm), "--db", db)
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1]) == {"imported": 1270, "rejected": 1001}
    code, out = _run("geocode", "Rämistrasse - Universitätstrasse", "--db", db)
    assert json.loads(out)["candidates"][0]["kind"] == "intersection"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["layers", "import", "roads", "x.geojson"], "unknown kind"),
        (["layers", "import", "admin", __file__], "--level"),  # a file, to get past its check
        (["layers", "import", "pois", "missing.geojson"], "no such file"),
        (
            ["layers", "import", "admin", "x.csv", "--level", "ward", "--valid-to", "soon"],
            "not ISO-8601",
        ),
        (["lookup", "--lon", "200", "--lat", "0"], "lon must be"),
        (["lookup", "--lon", "1", "--lat", "0", "--at", "2025-01-01T00:00:00"], "UTC offset"),
        (["geocode", "x", "--limit", "0"], "limit must be"),
    ],
)
def test_errors_exit_2(db: str, args: list[str], message: str) -> None:
    from camroute.store import make_engine, migrate

    engine = make_engine(db)  # an existing store: lookup and geocode never create one
    migrate(engine)
    engine.dispose()
    code, out = _run(*args, "--db", db)
    assert code == 2
    assert message in out
