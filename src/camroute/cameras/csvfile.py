"""Read a CSV camera file row by row, so every bad row is rejected by line, never lost.

GDAL's CSV reader (used before) took a row cut short by a truncated file as a camera with
empty fields, cut a field at a NUL byte, and dropped a row with a huge field without saying
so. Here each record is checked: it must have the header's number of fields (extra empty
fields are tolerated: spreadsheets add trailing separators), a closed quote, no NUL and no
field longer than :data:`MAX_FIELD_CHARS`. A failing row keeps its place with empty values
and a reason, so the importer counts it as rejected with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

# No camera attribute comes near this; a longer field is a broken or hostile file.
MAX_FIELD_CHARS = 64 * 1024
SEPARATORS = (",", ";", "\t")


class CsvHeaderError(ValueError):
    """The file has no usable header line (the importer turns it into a file error)."""


@dataclass(frozen=True)
class CsvRows:
    """All values as text, one row per record in file order, with the record's first line."""

    frame: pd.DataFrame
    row_numbers: NDArray[np.int64]
    reasons: list[str | None]


@dataclass(frozen=True)
class _Record:
    line: int
    fields: list[str]
    error: str | None


def _separator(header_line: str) -> str:
    """The separator the header uses most (GDAL's choice among comma, semicolon, tab)."""
    counts = [header_line.count(sep) for sep in SEPARATORS]
    return SEPARATORS[counts.index(max(counts))] if max(counts) else ","


def _records(text: str, sep: str) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _Record(line, [], _csv_error(str(exc)))
            continue
        if fields:  # a blank line is no record
            yield _Record(line, fields, None)


def _csv_error(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a field is longer than {MAX_FIELD_CHARS} characters"
    if "unexpected end of data" in message:
        return "a quoted field is not closed before the end of the file (a truncated file?)"
    return f"malformed CSV ({message})"


def _row_error(fields: list[str], header: list[str]) -> str | None:
    if len(fields) < len(header):
        return (
            f"{len(fields)} fields where the header has {len(header)} "
            "(a row cut short: a truncated file?)"
        )
    if any(f for f in fields[len(header) :]):
        return f"{len(fields)} fields where the header has {len(header)}"
    for name, value in zip(header, fields, strict=False):
        if "\x00" in value:
            return f"column {name!r} contains a NUL character"
        if len(value) > MAX_FIELD_CHARS:
            return f"column {name!r} is longer than {MAX_FIELD_CHARS} characters"
    return None


def _header(first: _Record | None) -> list[str]:
    if first is None:
        raise CsvHeaderError("the file is empty: no header line")
    if first.error is not None:
        raise CsvHeaderError(f"the header line is unreadable: {first.error}")
    header = [h.strip() for h in first.fields]
    if any("\x00" in h for h in header) or len(set(header)) != len(header):
        raise CsvHeaderError(f"the header needs distinct column names without NUL: {header[:20]}")
    return header


def read_csv_rows(text: str) -> CsvRows:
    r"""Every record of the CSV ``text`` with a reason where it is bad.

    Examples
    --------
    >>> rows = read_csv_rows('id,lon,lat\nA,106.7,10.77\nB,106.7\n')
    >>> rows.frame["id"].tolist(), rows.row_numbers.tolist()
    (['A', ''], [2, 3])
    >>> rows.reasons[1]
    '2 fields where the header has 3 (a row cut short: a truncated file?)'
    """
    text = text.removeprefix("\ufeff")
    records = _records(text, _separator(text.split("\n", 1)[0]))
    header = _header(next(records, None))
    rows: list[list[str]] = []
    lines: list[int] = []
    reasons: list[str | None] = []
    for record in records:
        reason = record.error or _row_error(record.fields, header)
        rows.append([""] * len(header) if reason else record.fields[: len(header)])
        lines.append(record.line)
        reasons.append(reason)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return CsvRows(frame, np.array(lines, dtype=np.int64), reasons)
