from __future__ import annotations

from pathlib import Path

from camroute.demo.loader import DATA_DIR
from camroute.demo.prepare import build


def test_shipped_data_is_exactly_what_prepare_builds(shared_data: Path, tmp_path: Path) -> None:
    written = build(shared_data, tmp_path, basemap=False)
    shipped = sorted(DATA_DIR.rglob("*.*json"))
    assert [p.relative_to(tmp_path) for p in written] == [p.relative_to(DATA_DIR) for p in shipped]
    for fresh, kept in zip(written, shipped, strict=True):
        assert fresh.read_bytes() == kept.read_bytes(), kept.name
