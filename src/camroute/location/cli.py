"""``camroute locate [FILE|-] [--format ...]``: print one ``CallerLocation`` as JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from camroute.cli_options import fail_unreadable
from camroute.location.errors import LocationParseError
from camroute.location.parse import FormatChoice, parse_location
from camroute.settings import Settings

MAX_INPUT_BYTES = 1024 * 1024


def locate(
    source: Annotated[
        str, typer.Argument(metavar="[FILE|-]", help="Message file, or - for standard input.")
    ] = "-",
    format: Annotated[
        FormatChoice, typer.Option("--format", help="Message format (auto: detect it).")
    ] = "auto",
) -> None:
    """Parse a caller-location message (PIDF-LO, AML, JSON, geo URI, plus code).

    Prints the CallerLocation as one JSON object and exits 0; bad input prints a problem
    JSON on stderr and exits 2. With ``CAMROUTE_AML_HMAC_KEY`` set, AML over HTTPS must carry
    an HMAC that verifies.
    """
    try:
        body = _read(source)
        key = Settings().aml_hmac_key_bytes()
        location = parse_location(body, as_format=format, aml_hmac_key=key)
    except LocationParseError as exc:
        sys.stderr.write(orjson.dumps(exc.to_problem()).decode() + "\n")
        raise typer.Exit(code=2) from None
    sys.stdout.write(location.model_dump_json() + "\n")


def _read(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        fail_unreadable(path)  # a file error, not a location that failed to parse
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise LocationParseError(f"input exceeds {MAX_INPUT_BYTES} bytes", field="file")
    return data
