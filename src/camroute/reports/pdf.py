"""The HTML report printed to PDF by a headless Chromium (the page's own fonts and SVG charts).

Chromium is a child process given a local file and no network; nothing else is decoded.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from camroute.errors import CamrouteError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 90.0


class PdfUnavailableError(CamrouteError):
    """No headless browser to print the PDF with (HTML and CSV still work)."""

    status = 503
    code = "pdf_unavailable"
    title = "PDF unavailable"


def browser() -> str | None:
    """The first Chromium on ``PATH``, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def html_to_pdf(html: str, out: Path, *, executable: str | None = None) -> None:
    """Print ``html`` (a self-contained page) to the PDF file ``out`` (A4, no header/footer)."""
    exe = executable or browser()
    if exe is None:
        raise PdfUnavailableError(
            f"a PDF needs Chromium ({', '.join(BROWSERS)} on PATH); use --format html or csv"
        )
    with tempfile.TemporaryDirectory(prefix="camroute-report-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        args = [
            exe,
            "--headless",
            "--no-sandbox",  # our own generated page, read from a local file, no network
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out.resolve()}",
            page.as_uri(),
        ]
        try:
            subprocess.run(args, check=True, capture_output=True, timeout=TIMEOUT_S)
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailableError(f"Chromium could not print the PDF: {exc}") from exc
    if not out.is_file() or out.stat().st_size == 0:
        raise PdfUnavailableError("Chromium printed no PDF")
