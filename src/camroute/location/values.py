"""Strict readers for the scalar values every format carries: numbers, coordinates, times.

Python's ``float()`` accepts ``nan``, ``inf``, ``1_000`` and non-ASCII digits; a location
parser must not, so numbers are matched against an ASCII pattern first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime, timedelta

from camroute.location.errors import LocationParseError

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT_CHARS = 256
#: A timestamp this far ahead of the clock is flagged (clock skew beyond this is suspicious).
FUTURE_TOLERANCE = timedelta(minutes=5)


def number(text: str | None, *, field: str) -> float:
    r"""A finite decimal number written in ASCII, whitespace around it ignored.

    Examples
    --------
    >>> number(" 850.24\n", field="radius")
    850.24
    >>> number("nan", field="radius")
    Traceback (most recent call last):
    ...
    camroute.location.errors.LocationParseError: radius: 'nan' is not a decimal number
    """
    if text is None:
        raise LocationParseError(f"{field}: missing number", field=field)
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        raise LocationParseError(f"{field}: {_show(stripped)} is not a decimal number", field=field)
    value = float(stripped)
    if not math.isfinite(value):
        raise LocationParseError(f"{field}: {_show(stripped)} is not a finite number", field=field)
    return value


def check_lon_lat(*, lon: float, lat: float, field: str) -> None:
    """Refuse coordinates outside WGS84 ranges (never swap them: report it)."""
    if not -90.0 <= lat <= 90.0:
        hint = " (longitude and latitude swapped?)" if -180.0 <= lat <= 180.0 else ""
        raise LocationParseError(f"{field}: latitude {lat} is outside [-90, 90]{hint}", field=field)
    if not -180.0 <= lon <= 180.0:
        raise LocationParseError(f"{field}: longitude {lon} is outside [-180, 180]", field=field)


def check_length_m(
    value: float, *, field: str, allow_zero: bool = False, max_m: float = 100_000.0
) -> float:
    """A length in metres: positive (or zero when allowed) and no more than ``max_m``."""
    low_ok = value >= 0.0 if allow_zero else value > 0.0
    if not low_ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise LocationParseError(f"{field}: {value} m must be {bound}", field=field)
    if value > max_m:
        raise LocationParseError(
            f"{field}: {value} m exceeds {max_m:.0f} m, implausible for a caller location",
            field=field,
        )
    return value


def check_confidence(value: float, *, field: str) -> float:
    """A confidence in percent, in (0, 100]."""
    if not 0.0 < value <= 100.0:
        raise LocationParseError(f"{field}: confidence {value} % is outside (0, 100]", field=field)
    return value


def iso_time(text: str, *, field: str) -> datetime:
    """An RFC 3339 / ISO 8601 time, returned as aware UTC (a naive time is refused)."""
    stripped = text.strip()
    if not stripped.isascii() or len(stripped) > 40:
        raise LocationParseError(f"{field}: not an ISO 8601 time", field=field)
    try:
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        raise LocationParseError(
            f"{field}: {_show(stripped)} is not an ISO 8601 time", field=field
        ) from None
    if parsed.tzinfo is None:
        raise LocationParseError(f"{field}: time {_show(stripped)} has no UTC offset", field=field)
    return parsed.astimezone(UTC)


def epoch_time(seconds: float, *, field: str) -> datetime:
    """Seconds since 1970 as aware UTC; refuses values outside years 1970..2200."""
    if not 0.0 <= seconds <= 7_258_118_400.0:
        raise LocationParseError(f"{field}: epoch {seconds} s is out of range", field=field)
    return datetime.fromtimestamp(seconds, tz=UTC)


def time_warnings(time: datetime | None, *, now: datetime | None = None) -> list[str]:
    """Warn about a positioning time in the future (clock skew or a forged message)."""
    if time is None:
        return []
    now = now or datetime.now(UTC)
    if time - now > FUTURE_TOLERANCE:
        return [f"time {time.isoformat()} is in the future"]
    return []


def refuse_nul(text: str, *, field: str) -> str:
    r"""``text`` unchanged, or :class:`LocationParseError` if it holds a NUL (U+0000).

    A NUL is never part of a location; PostgreSQL cannot store it in text, and C code cuts
    strings at it. It is named with its place so the sender can find it.

    Examples
    --------
    >>> refuse_nul("geo:10.77,106.70", field="body")
    'geo:10.77,106.70'
    >>> refuse_nul("lt=10.7\x00", field="body")
    Traceback (most recent call last):
    ...
    camroute.location.errors.LocationParseError: body: NUL character (U+0000) at character 7
    """
    at = text.find("\x00")
    if at >= 0:
        raise LocationParseError(f"{field}: NUL character (U+0000) at character {at}", field=field)
    return text


def clean_text(text: str | None, *, field: str) -> str | None:
    """NFC-normalised text with whitespace collapsed; control characters refused."""
    if text is None:
        return None
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if _CONTROL.search(value):
        raise LocationParseError(f"{field}: contains control characters", field=field)
    if len(value) > MAX_TEXT_CHARS:
        raise LocationParseError(f"{field}: longer than {MAX_TEXT_CHARS} characters", field=field)
    return value or None


def _show(text: str, limit: int = 24) -> str:
    """A short, quoted excerpt of a bad value for an error message."""
    return repr(text if len(text) <= limit else text[:limit] + "...")
