"""Advanced Mobile Location (ETSI TS 103 625): SMS text, 7-bit data SMS, HTTPS form.

The SMS body comes in versions 1 and 2; Android sends it 7-bit packed in a data SMS.

Privacy: the IMSI, IMEI and phone numbers (``si``, ``ei``, ``en``, ``device_*``) are read
only to check their shape; their values never reach the model, a warning or an error.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from camroute.location.errors import LocationParseError
from camroute.location.models import CallerLocation
from camroute.location.regions import Extras, Region, circle_region, point_region, to_location
from camroute.location.values import (
    check_confidence,
    check_length_m,
    check_lon_lat,
    epoch_time,
    number,
    refuse_nul,
    time_warnings,
)

_COORD = re.compile(r"[+-]?\d{1,3}(?:\.\d+)?", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
METHODS = {"G": "gps", "W": "wifi", "C": "cell", "F": "fused", "U": "unknown"}
V1_KEYS = frozenset({"lt", "lg", "rd", "top", "lc", "pm", "si", "ei", "mcc", "mnc", "ml"})
V2_KEYS = frozenset({"en", "et", "lo", "lt", "lc", "lz", "ls", "ei", "nc", "hc", "lg"})
HTTPS_SOURCES = frozenset({"gps", "wifi", "cell", "fused", "unknown"})
# GSM 03.38 septets that are the same character in ASCII (all an AML message uses).
_GSM_ASCII = {
    i: chr(i) for i in [10, 13, *range(0x20, 0x24), *range(0x25, 0x40), *range(0x41, 0x5B)]
}
_GSM_ASCII.update({i: chr(i) for i in range(0x61, 0x7B)})


def parse_aml_sms(text: str) -> CallerLocation:
    """Parse an AML SMS body (``A"ML=1;lt=...``, or version 2).

    Examples
    --------
    >>> sms = 'A"ML=1;lt=+16.06800;lg=+108.22400;rd=15;top=20250701010203;lc=68;pm=G;ml=77'
    >>> loc = parse_aml_sms(sms)
    >>> loc.lat, loc.lon, round(loc.uncertainty_m, 2), loc.confidence, loc.method
    (16.068, 108.224, 15.0, 68.0, 'gps')
    """
    warnings: list[str] = []
    message = text.strip()
    version, pairs = _pairs(message, warnings)
    if version == "1":
        return _v1(message, pairs, warnings)
    if version == "2":
        return _v2(pairs, warnings)
    raise LocationParseError("aml: unsupported version (only 1 and 2)", field="aml.version")


def _pairs(message: str, warnings: list[str]) -> tuple[str, dict[str, str]]:
    parts = message.split(";")
    header, sep, version = parts[0].partition("=")
    if header.strip() not in ('A"ML', "AML") or not sep:
        raise LocationParseError('aml: message must start with A"ML=<version>', field="aml.header")
    if header.strip() == "AML":
        warnings.append('aml: header AML read as A"ML (quote missing)')
    pairs: dict[str, str] = {}
    for index, part in enumerate(parts[1:], start=2):
        if not part.strip():
            warnings.append("aml: empty pairs skipped")
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise LocationParseError(f"aml: pair {index} is not key=value", field="aml")
        if key in pairs:
            raise LocationParseError(f"aml: key {key[:16]!r} repeated", field=f"aml.{key[:16]}")
        pairs[key] = value.strip()
    return version.strip(), pairs


def _v1(message: str, pairs: dict[str, str], warnings: list[str]) -> CallerLocation:
    _no_location(pairs)
    lat = _coord(pairs.get("lt"), field="aml.lt")
    lon = _coord(pairs.get("lg"), field="aml.lg")
    check_lon_lat(lon=lon, lat=lat, field="aml.lt/lg")
    extras = Extras(warnings=warnings)
    extras.time = _top(pairs.get("top"), warnings)
    extras.confidence = _lc(pairs.get("lc"), warnings)
    extras.method = _method(pairs.get("pm"), field="aml.pm", warnings=warnings)
    _check_identifiers(pairs, warnings)
    _check_length(message, pairs.get("ml"), warnings)
    for key in sorted(set(pairs) - V1_KEYS):
        warnings.append(f"aml: unknown attribute {key[:16]!r} ignored")
    region = _circle_or_point(lon, lat, pairs.get("rd"), field="aml.rd", warnings=warnings)
    extras.warnings.extend(time_warnings(extras.time))
    return to_location(region, fmt="aml", extras=extras)


def _v2(pairs: dict[str, str], warnings: list[str]) -> CallerLocation:
    lo = (pairs.get("lo") or "").split(",")
    if len(lo) not in (2, 3):
        raise LocationParseError("aml.lo: expected lat,lon[,accuracy]", field="aml.lo")
    lat = _coord(lo[0], field="aml.lo")
    lon = _coord(lo[1], field="aml.lo")
    check_lon_lat(lon=lon, lat=lat, field="aml.lo")
    extras = Extras(warnings=warnings)
    extras.confidence = _lc(pairs.get("lc"), warnings)
    extras.method = _method(pairs.get("ls"), field="aml.ls", warnings=warnings)
    extras.time = _v2_time(pairs.get("et"), pairs.get("lt"), warnings)
    if pairs.get("lz"):
        extras.altitude_m = number(pairs["lz"].split(",")[0], field="aml.lz")
    for key in sorted(set(pairs) - V2_KEYS):
        warnings.append(f"aml: unknown attribute {key[:16]!r} ignored")
    accuracy = lo[2] if len(lo) == 3 else None
    region = _circle_or_point(lon, lat, accuracy, field="aml.lo", warnings=warnings)
    extras.warnings.extend(time_warnings(extras.time))
    return to_location(region, fmt="aml", extras=extras)


def _no_location(pairs: dict[str, str]) -> None:
    if pairs.get("pm", "").upper() == "N" or pairs.get("rd", "").upper() == "N":
        raise LocationParseError(
            "aml: message says it holds no location (pm=N / rd=N)", field="aml.pm"
        )


def _coord(value: str | None, *, field: str) -> float:
    if value is None:
        raise LocationParseError(f"{field}: missing", field=field)
    if not _COORD.fullmatch(value.strip()):
        raise LocationParseError(f"{field}: {value[:24]!r} is not a coordinate", field=field)
    return float(value)


def _circle_or_point(
    lon: float, lat: float, radius: str | None, *, field: str, warnings: list[str]
) -> Region:
    if radius is None or not radius.strip():
        warnings.append(f"{field}: no radius given")
        return point_region(lon=lon, lat=lat)
    radius_m = check_length_m(number(radius, field=field), field=field, allow_zero=True)
    if radius_m == 0.0:
        return point_region(lon=lon, lat=lat)
    return circle_region(lon=lon, lat=lat, radius_m=radius_m)


def _top(value: str | None, warnings: list[str]) -> datetime | None:
    if value is None:
        warnings.append("aml.top: missing; time unknown")
        return None
    try:
        if not (_DIGITS.fullmatch(value) and len(value) == 14):
            raise ValueError
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        warnings.append(f"aml.top: {value[:20]!r} is not YYYYMMDDhhmmss; time unknown")
        return None


def _v2_time(et: str | None, lt: str | None, warnings: list[str]) -> datetime | None:
    if et is None or lt is None:
        warnings.append("aml.et/lt: positioning time unknown")
        return None
    if not (
        re.fullmatch(r"[+-]?\d{1,12}", et, re.ASCII) and re.fullmatch(r"[+-]?\d{1,6}", lt, re.ASCII)
    ):
        warnings.append("aml.et/lt: not whole seconds; time unknown")
        return None
    try:
        call = epoch_time(float(et), field="aml.et")
    except LocationParseError as exc:
        warnings.append(f"{exc.detail}; time unknown")
        return None
    return call + timedelta(seconds=int(lt))


def _lc(value: str | None, warnings: list[str]) -> float | None:
    if value is None:
        warnings.append("aml.lc: missing; confidence defaulted")
        return None
    confidence = number(value, field="aml.lc")
    if not confidence.is_integer():
        warnings.append(f"aml.lc: {value[:8]!r} is not a whole percent; rounded down")
        confidence = float(int(confidence))
    return check_confidence(confidence, field="aml.lc")


def _method(value: str | None, *, field: str, warnings: list[str]) -> str | None:
    if value is None:
        return None
    method = METHODS.get(value.strip().upper())
    if method is None:
        warnings.append(f"{field}: unknown positioning method {value[:8]!r}")
        return "unknown"
    return method


def _check_identifiers(pairs: dict[str, str], warnings: list[str]) -> None:
    """Check the identifiers' shape only: their values are never kept or shown."""
    if "si" in pairs and not (_DIGITS.fullmatch(pairs["si"]) and len(pairs["si"]) == 15):
        warnings.append("aml.si: not a 15-digit IMSI")
    if "ei" in pairs and not (_DIGITS.fullmatch(pairs["ei"]) and len(pairs["ei"]) in (15, 16)):
        warnings.append("aml.ei: not a 15/16-digit IMEI")
    if "mcc" in pairs and not (_DIGITS.fullmatch(pairs["mcc"]) and len(pairs["mcc"]) == 3):
        warnings.append("aml.mcc: not 3 digits")
    if "mnc" in pairs and not (_DIGITS.fullmatch(pairs["mnc"]) and len(pairs["mnc"]) in (2, 3)):
        warnings.append("aml.mnc: not 2 or 3 digits")


def _check_length(message: str, ml: str | None, warnings: list[str]) -> None:
    if ml is None:
        warnings.append("aml.ml: missing; message length not checked")
    elif not _DIGITS.fullmatch(ml) or int(ml) != len(message):
        warnings.append(
            f"aml.ml: declares {ml[:8]!r} characters but the message has {len(message)} "
            "(possibly truncated or corrupted)"
        )


def decode_gsm7(packed: bytes) -> str:
    """Unpack GSM 03.38 7-bit septets (an Android data SMS) into the AML text.

    Examples
    --------
    >>> decode_gsm7(bytes.fromhex("415193D98BEDD8"))  # 7 bytes carry 8 septets
    'A"ML=1;l'
    """
    septets: list[int] = []
    carry, carry_bits = 0, 0
    for byte in packed:
        septets.append(((byte << carry_bits) | carry) & 0x7F)
        carry = byte >> (7 - carry_bits)
        carry_bits += 1
        if carry_bits == 7:
            septets.append(carry)
            carry, carry_bits = 0, 0
    while septets and septets[-1] in (0, 13):
        septets.pop()
    if any(s not in _GSM_ASCII for s in septets):
        raise LocationParseError("aml: data SMS holds characters AML never uses", field="body")
    return "".join(_GSM_ASCII[s] for s in septets)


def verify_hmac(text: str, *, key: bytes) -> bool:
    """Whether the trailing ``&hmac=`` is HMAC-SHA1 over the text before it (constant time)."""
    body, sep, given = text.rpartition("&hmac=")
    if not sep:
        return False
    expected = hmac.new(key, body.encode(), hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def parse_aml_https(text: str, *, hmac_key: bytes | None = None) -> CallerLocation:
    """Parse the HTTPS (form-encoded) AML variant.

    With ``hmac_key`` the trailing ``hmac`` must verify; without, it is reported unverified.

    Examples
    --------
    >>> loc = parse_aml_https("v=1&location_latitude=10.77&location_longitude=106.7"
    ...                       "&location_accuracy=12&location_certainty=83&location_source=GPS")
    >>> loc.lat, loc.lon, round(loc.uncertainty_m, 2), loc.confidence, loc.method
    (10.77, 106.7, 12.0, 83.0, 'gps')
    """
    warnings: list[str] = []
    text = text.strip()
    fields = _form_fields(text)
    _check_hmac(text, fields, hmac_key, warnings)
    lat = number(fields.get("location_latitude"), field="aml.location_latitude")
    lon = number(fields.get("location_longitude"), field="aml.location_longitude")
    check_lon_lat(lon=lon, lat=lat, field="aml.location_latitude/longitude")
    extras = Extras(warnings=warnings)
    extras.confidence = _https_confidence(fields, warnings)
    extras.method = _https_source(fields.get("location_source"), warnings)
    extras.time = _https_time(fields.get("location_time"), warnings)
    if fields.get("location_altitude"):
        extras.altitude_m = number(fields["location_altitude"], field="aml.location_altitude")
    accuracy = fields.get("location_accuracy")
    region = _circle_or_point(lon, lat, accuracy, field="aml.location_accuracy", warnings=warnings)
    extras.warnings.extend(time_warnings(extras.time))
    return to_location(region, fmt="aml", extras=extras)


def _form_fields(text: str) -> dict[str, str]:
    try:
        items = parse_qsl(text, keep_blank_values=True, max_num_fields=200)
    except ValueError:
        raise LocationParseError("aml: more than 200 form fields", field="body") from None
    fields: dict[str, str] = {}
    for key, value in items:
        refuse_nul(key, field="aml")
        refuse_nul(value, field=f"aml.{key[:32]}")  # %00 decodes to a NUL
        if key in fields:
            raise LocationParseError(f"aml: field {key[:32]!r} repeated", field=f"aml.{key[:32]}")
        fields[key] = value
    return fields


def _check_hmac(text: str, fields: dict[str, str], key: bytes | None, warnings: list[str]) -> None:
    if key is not None:
        if not verify_hmac(text, key=key):
            raise LocationParseError("aml.hmac: missing or does not verify", field="aml.hmac")
    elif "hmac" in fields:
        warnings.append("aml.hmac: present but not verified (no key configured)")
    else:
        warnings.append("aml.hmac: absent; message unauthenticated")


def _https_confidence(fields: dict[str, str], warnings: list[str]) -> float | None:
    raw = fields.get("location_confidence", fields.get("location_certainty"))
    if raw is None or not raw.strip():
        return None
    value = number(raw, field="aml.location_confidence")
    if 0.0 < value <= 1.0:
        warnings.append("aml.location_confidence: read as a fraction of 1")
        value *= 100.0
    return check_confidence(value, field="aml.location_confidence")


def _https_source(value: str | None, warnings: list[str]) -> str | None:
    if value is None or not value.strip():
        return None
    source = value.strip().lower()
    if source not in HTTPS_SOURCES:
        warnings.append(f"aml.location_source: unknown source {value[:12]!r}")
        return "unknown"
    return source


def _https_time(value: str | None, warnings: list[str]) -> datetime | None:
    if value is None or not _DIGITS.fullmatch(value) or len(value) > 15:
        warnings.append("aml.location_time: missing or not epoch milliseconds; time unknown")
        return None
    try:
        return epoch_time(int(value) / 1000.0, field="aml.location_time")
    except LocationParseError as exc:
        warnings.append(f"{exc.detail}; time unknown")
        return None
