"""``camroute coverage report --format html|pdf``: the page, its map picture, the PDF text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


def test_html_has_map_tables_and_numbered_blind_stretches(wards: str, tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    args = ["coverage", "report", "--format", "html", "--min-blind-m", "10", "--out", str(out)]
    args += ["--db", wards]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Báo cáo độ phủ camera" in html
    assert html.count("<svg") == 1
    # one street path, the seen area, two blind stretches (50 m west piece, 50..100 m east)
    assert html.count("<path") == 4
    assert ">1</text>" in html
    assert ">2</text>" in html
    assert "Phường Đông" in html
    assert "Phường Tây" in html
    assert "50.0 %" in html  # Phường Đông: half its street seen
    assert "Ranh giới phường ước tính" not in html  # polygons, not cells


def test_english_page(db: str) -> None:
    result = runner.invoke(
        app, ["coverage", "report", "--format", "html", "--lang", "en", "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "Camera coverage report" in result.output
    assert "Blind stretches by call density" in result.output


def test_pdf_needs_out(db: str) -> None:
    result = runner.invoke(app, ["coverage", "report", "--format", "pdf", "--db", db])
    assert result.exit_code == 2


def test_vietnamese_pdf_reads_back_with_its_diacritics(db: str, tmp_path: Path) -> None:
    from camroute.reports.pdf import browser

    if browser() is None or shutil.which("pdftotext") is None:
        pytest.skip("needs Chromium and poppler-utils (scripts/setup installs both)")
    out = tmp_path / "c.pdf"
    args = ["coverage", "report", "--format", "pdf", "--out", str(out), "--db", db]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    for words in ("Báo cáo độ phủ camera", "Đoạn đường khuất", "Lê Lợi", "Theo tuyến đường"):
        assert words in text
