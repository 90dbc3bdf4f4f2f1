"""``parse_location``: any supported body -> one :class:`CallerLocation`, or a clear error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from camroute.location.aml import decode_gsm7, parse_aml_https, parse_aml_sms
from camroute.location.detect import BOM, Kind, body_text, detect
from camroute.location.errors import LocationParseError, NeedsGeocodingError
from camroute.location.geouri import parse_geo_uri
from camroute.location.jsonloc import parse_json
from camroute.location.models import CallerLocation
from camroute.location.pidf import parse_pidf
from camroute.location.pluscode import parse_plus_code

FormatChoice = Literal["auto", "pidf-lo", "aml", "json", "geo-uri", "plus-code"]
FORMAT_CHOICES: tuple[FormatChoice, ...] = (
    "auto",
    "pidf-lo",
    "aml",
    "json",
    "geo-uri",
    "plus-code",
)
_AML_KINDS: frozenset[Kind] = frozenset({"aml", "aml-https", "aml-data"})


def parse_location(
    body: bytes | str,
    *,
    content_type: str | None = None,
    as_format: FormatChoice = "auto",
    aml_hmac_key: bytes | None = None,
) -> CallerLocation:
    """Parse a caller-location message in any supported format.

    ``content_type`` (the HTTP header) must agree with the body when given; ``as_format``
    forces one format (the CLI's ``--format``). With ``aml_hmac_key`` an AML HTTPS message
    must carry a trailing ``hmac`` that verifies with it. Raises :class:`LocationParseError` naming
    the field and the reason, or :class:`NeedsGeocodingError` for a free-text address.

    Examples
    --------
    >>> parse_location("geo:10.7769,106.7009;u=35").format
    'geo-uri'
    >>> parse_location(b'{"lon": 106.7009, "lat": 10.7769}', content_type="application/json").shape
    'point'
    >>> parse_location("12 Lê Lợi, Phường Bến Thành")
    Traceback (most recent call last):
    ...
    camroute.location.errors.NeedsGeocodingError: free text: the address needs geocoding
    """
    data = body.encode("utf-8") if isinstance(body, str) else body
    kind = (
        detect(data, content_type=content_type) if as_format == "auto" else _forced(as_format, data)
    )
    if kind == "aml-https":
        return parse_aml_https(body_text(data), hmac_key=aml_hmac_key)
    return _PARSERS[kind](data)


def _forced(choice: FormatChoice, data: bytes) -> Kind:
    """The parser for a forced format (AML has three carriers: pick by the body)."""
    if choice != "aml":
        return choice  # type: ignore[return-value]  # the other choices are kinds
    try:
        kind = detect(data)
    except LocationParseError:
        return "aml"
    return kind if kind in _AML_KINDS else "aml"


def _free_text(data: bytes) -> CallerLocation:
    text = body_text(data)
    if any(ch.isalpha() for ch in text):
        raise NeedsGeocodingError("free text: the address needs geocoding", field="body")
    raise LocationParseError("body is in no known location format", field="body")


def _data_sms(data: bytes) -> CallerLocation:
    stripped = data.lstrip(BOM).strip()
    try:
        packed = bytes.fromhex(stripped.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        packed = stripped
    location = parse_aml_sms(decode_gsm7(packed))
    notes = [*location.warnings, "aml: decoded from a 7-bit data SMS"]
    return location.model_copy(update={"warnings": notes})


_PARSERS: dict[Kind, Callable[[bytes], CallerLocation]] = {
    "pidf-lo": parse_pidf,
    "json": lambda data: parse_json(body_text(data)),
    "aml": lambda data: parse_aml_sms(body_text(data)),
    "aml-https": lambda data: parse_aml_https(body_text(data)),
    "aml-data": _data_sms,
    "geo-uri": lambda data: parse_geo_uri(body_text(data)),
    "plus-code": lambda data: parse_plus_code(body_text(data)),
    "text": _free_text,
}
