"""AML: SMS v1/v2, 7-bit data SMS and the HTTPS form; valid and malformed messages."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from camroute.location import LocationParseError, parse_location
from camroute.location.aml import decode_gsm7, parse_aml_https, parse_aml_sms, verify_hmac

Vector = Callable[[str], bytes]
T = datetime


def _sms(**pairs: str) -> str:
    """A v1 message with a correct ``ml`` (pairs in the order given, defaults first)."""
    fields = {
        "lt": "+16.06800",
        "lg": "+108.22400",
        "rd": "15",
        "top": "20250701010203",
        "lc": "68",
        "pm": "G",
        "si": "452040123456789",
        "ei": "356708041746734",
        "mcc": "452",
        "mnc": "04",
    }
    fields.update(pairs)
    body = 'A"ML=1;' + ";".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    for digits in (2, 3, 4):
        candidate = f"{body};ml={len(body) + 4 + digits}"
        if len(candidate) == len(body) + 4 + digits:
            return candidate
    raise AssertionError("unreachable")


# file, lat, lon, radius_m, time, confidence, method
VALID_VECTORS = [
    (
        "aml_sms_v1_valid_wifi.txt",
        54.76397,
        -0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        90.0,
        "wifi",
    ),
    (
        "aml_sms_v1_gps_france.txt",
        48.82639,
        -2.36619,
        52.0,
        T(2019, 11, 12, 11, 29, 28, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "aml_sms_v1_6decimals_france.txt",
        48.902963,
        2.516582,
        1964.0,
        T(2022, 2, 10, 13, 46, 54, tzinfo=UTC),
        95.0,
        "gps",
    ),
    (
        "aml_sms_v1_ml_mismatch.txt",
        48.82639,
        -2.36619,
        52.0,
        T(2019, 11, 12, 11, 29, 28, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "aml_sms_v1_unsigned_lg_length_off.txt",
        54.76397,
        0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        90.0,
        "wifi",
    ),
    (
        "aml_sms_v1_header_without_quote.txt",
        55.74297,
        -4.26880,
        10.0,
        T(2013, 7, 17, 17, 53, 29, tzinfo=UTC),
        95.0,
        "gps",
    ),
    (
        "aml_sms_v1_unknown_attribute.txt",
        54.76397,
        -0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        90.0,
        "wifi",
    ),
    ("aml_sms_v1_bad_top.txt", 54.76397, -0.18305, 50.0, None, 90.0, "wifi"),
    (
        "aml_sms_v1_float_lc.txt",
        54.76397,
        -0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        99.0,
        "wifi",
    ),
    (
        "aml_sms_v1_unknown_pm.txt",
        54.76397,
        -0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        90.0,
        "unknown",
    ),
    (
        "aml_sms_v1_empty_pairs.txt",
        54.76397,
        -0.18305,
        50.0,
        T(2013, 7, 17, 14, 19, 35, tzinfo=UTC),
        90.0,
        "wifi",
    ),
    (
        "aml_sms_v1_decoded_from_7bit_pdu.txt",
        37.42175,
        -122.08461,
        20.0,
        T(2015, 6, 13, 1, 9, 48, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "aml_sms_data_7bit_packed.hex",
        37.42175,
        -122.08461,
        20.0,
        T(2015, 6, 13, 1, 9, 48, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "constructed_aml_sms_v1_danang.txt",
        16.068,
        108.224,
        15.0,
        T(2025, 7, 1, 1, 2, 3, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "aml_sms_v2_amllib.txt",
        -37.42175,
        -122.08461,
        2000.1,
        T(2020, 6, 26, 13, 13, 10, tzinfo=UTC),
        68.0,
        "gps",
    ),
    (
        "aml_https_v1_hmac.txt",
        0.85732,
        -4.26325,
        10.4,
        T(2020, 11, 9, 8, 55, 21, tzinfo=UTC),
        83.0,
        "gps",
    ),
    (
        "aml_https_uk_full.txt",
        55.85732,
        -4.26325,
        10.4,
        T(2016, 10, 11, 12, 37, 24, 435000, tzinfo=UTC),
        83.0,
        "gps",
    ),
]


@pytest.mark.parametrize(
    ("name", "lat", "lon", "radius_m", "time", "confidence", "method"),
    VALID_VECTORS,
    ids=[row[0] for row in VALID_VECTORS],
)
def test_aml_vector_parses(
    vector: Vector,
    name: str,
    lat: float,
    lon: float,
    radius_m: float,
    time: datetime | None,
    confidence: float,
    method: str,
) -> None:
    loc = parse_location(vector(name))
    assert (loc.format, loc.shape) == ("aml", "circle")
    assert (loc.lat, loc.lon) == pytest.approx((lat, lon), abs=1e-7)
    assert loc.uncertainty_m == pytest.approx(radius_m, abs=0.01)
    assert loc.time == time
    assert (loc.confidence, loc.method) == (confidence, method)


@pytest.mark.parametrize(
    ("name", "warnings"),
    [
        ("aml_sms_v1_valid_wifi.txt", []),
        ("constructed_aml_sms_v1_danang.txt", []),
        (
            "aml_sms_v1_ml_mismatch.txt",
            ["aml.ml: declares '128' characters but the message has 126"],
        ),
        ("aml_sms_v1_unsigned_lg_length_off.txt", ["aml.ml: declares '128'"]),
        ("aml_sms_v1_header_without_quote.txt", ["header AML read as", "aml.ml: declares '127'"]),
        ("aml_sms_v1_unknown_attribute.txt", ["unknown attribute 'kl' ignored"]),
        ("aml_sms_v1_bad_top.txt", ["aml.top: '20130717' is not YYYYMMDDhhmmss; time unknown"]),
        ("aml_sms_v1_float_lc.txt", ["rounded down"]),
        ("aml_sms_v1_unknown_pm.txt", ["unknown positioning method 'Z'"]),
        ("aml_sms_v1_empty_pairs.txt", ["empty pairs skipped"]),
        ("aml_sms_v1_decoded_from_7bit_pdu.txt", ["aml.si: not a 15-digit IMSI"]),
        ("aml_sms_data_7bit_packed.hex", ["decoded from a 7-bit data SMS"]),
        ("aml_https_uk_full.txt", ["message unauthenticated"]),
        ("aml_https_v1_hmac.txt", ["not verified (no key configured)"]),
    ],
)
def test_aml_vector_warnings(vector: Vector, name: str, warnings: list[str]) -> None:
    got = parse_location(vector(name)).warnings
    for expected in warnings:
        assert any(expected in w for w in got), got
    if not warnings:
        assert got == []


def test_ml_mismatch_is_the_only_difference_from_the_valid_message(vector: Vector) -> None:
    good = parse_location(vector("aml_sms_v1_gps_france.txt"))
    bad = parse_location(vector("aml_sms_v1_ml_mismatch.txt"))
    assert good.warnings == []
    assert bad.model_copy(update={"warnings": []}) == good


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("aml_sms_v1_no_location.txt", "holds no location"),
        ("aml_sms_v1_bad_latitude.txt", r"aml\.lt: '\+g4\.7d397' is not a coordinate"),
    ],
)
def test_aml_vector_refused(vector: Vector, name: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_location(vector(name))


def test_built_message_has_correct_length() -> None:
    loc = parse_aml_sms(_sms())
    assert loc.warnings == []
    assert (loc.lat, loc.lon) == (16.068, 108.224)


@pytest.mark.parametrize(
    ("pairs", "match"),
    [
        ({"lt": "+91.00000"}, "latitude 91.0 is outside"),
        ({"lg": "-180.5"}, "longitude -180.5 is outside"),
        ({"lg": "1e2"}, "not a coordinate"),
        ({"lt": ""}, "aml.lt: '' is not a coordinate"),
        ({"lt": None}, "aml.lt: missing"),
        ({"rd": "N"}, "holds no location"),
        ({"pm": "N"}, "holds no location"),
        ({"rd": "-3"}, "must be >= 0"),
        ({"rd": "250000"}, "implausible"),
        ({"rd": "wide"}, "not a decimal number"),
        ({"lc": "0"}, "confidence 0.0"),
        ({"lc": "101"}, "confidence 101.0"),
        ({"lc": "NaN"}, "not a decimal number"),
    ],
)
def test_malformed_sms_is_refused(pairs: dict[str, str | None], match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_aml_sms(_sms(**pairs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('A"ML=3;lt=1;lg=1;rd=1', "unsupported version"),
        ("ALM=1;lt=1;lg=1", "must start with"),
        ('A"ML=1;lt=1;lt=2;lg=1;rd=5', "key 'lt' repeated"),
        ('A"ML=1;lt=1;lg=1;garbage;rd=5', "pair 4 is not key=value"),
        ('A"ML=1;lt=1;lg=1;=5;rd=5', "pair 4 is not key=value"),
        ('A"ML=2;en=112;lo=10.1', "expected lat,lon"),
    ],
)
def test_malformed_structure_is_refused(text: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_aml_sms(text)


@pytest.mark.parametrize(
    ("pairs", "warning", "time"),
    [
        ({"top": "20251301010203"}, "is not YYYYMMDDhhmmss", None),
        ({"top": "2025070101020"}, "is not YYYYMMDDhhmmss", None),
        ({"top": None}, "aml.top: missing", None),
        ({"lc": None}, "aml.lc: missing", None),
        ({"si": "123"}, "aml.si: not a 15-digit IMSI", T(2025, 7, 1, 1, 2, 3, tzinfo=UTC)),
        ({"mnc": "4"}, "aml.mnc: not 2 or 3 digits", T(2025, 7, 1, 1, 2, 3, tzinfo=UTC)),
        ({"top": "20990101000000"}, "in the future", T(2099, 1, 1, tzinfo=UTC)),
    ],
)
def test_doubtful_field_gives_a_warning(
    pairs: dict[str, str | None], warning: str, time: datetime | None
) -> None:
    loc = parse_aml_sms(_sms(**pairs))  # type: ignore[arg-type]
    assert any(warning in w for w in loc.warnings), loc.warnings
    if "top" in pairs:
        assert loc.time == time


def test_rd_zero_is_a_point_with_unknown_uncertainty() -> None:
    loc = parse_aml_sms(_sms(rd="0"))
    assert loc.shape == "point"
    assert any("uncertainty unknown" in w for w in loc.warnings)


def test_trailing_newline_does_not_break_the_length_check() -> None:
    assert parse_aml_sms(_sms() + "\r\n").warnings == []


def test_v2_reads_altitude_language_is_not_longitude(vector: Vector) -> None:
    loc = parse_location(vector("aml_sms_v2_amllib.txt"))
    assert loc.altitude_m == -100.1
    assert loc.lon == -122.08461  # lg=en-US is the language in v2


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("aml_sms_v1_valid_wifi.txt", ["123456789012345", "1234567890123456"]),
        ("aml_sms_v2_amllib.txt", ["+15555555555", "358239059042542"]),
        ("aml_https_uk_full.txt", ["447477593102", "354773072099116", "234159176307582"]),
    ],
)
def test_identifiers_never_reach_the_model(vector: Vector, name: str, secret: list[str]) -> None:
    dumped = parse_location(vector(name)).model_dump_json()
    for value in secret:
        assert value not in dumped


@pytest.mark.parametrize(
    "text",
    [
        'A"ML=1;lt=+91.0;lg=1;rd=5;si=452040123456789;ei=356708041746734',
        'A"ML=1;lt=1;lg=1;rd=N;pm=N;si=452040123456789;ei=356708041746734',
        'A"ML=1;lt=1;lg=1;rd=5;si=452040123456789;si=452040123456789',
        "v=1&device_imsi=452040123456789&device_imei=356708041746734&location_latitude=x",
    ],
)
def test_identifiers_never_reach_an_error(text: str) -> None:
    with pytest.raises(LocationParseError) as info:
        parse_location(text)
    shown = str(info.value.to_problem())
    assert "452040123456789" not in shown
    assert "356708041746734" not in shown


def test_hmac_verifies_with_the_shared_key(vector: Vector) -> None:
    text = vector("aml_https_v1_hmac.txt").decode()
    assert verify_hmac(text, key=b"AML")
    assert not verify_hmac(text, key=b"other")
    assert parse_aml_https(text, hmac_key=b"AML").warnings == []


@pytest.mark.parametrize("name", ["aml_https_v1_hmac.txt", "aml_https_uk_full.txt"])
def test_wrong_or_missing_hmac_is_refused_when_a_key_is_set(vector: Vector, name: str) -> None:
    with pytest.raises(LocationParseError, match=r"aml\.hmac"):
        parse_aml_https(vector(name).decode(), hmac_key=b"wrong")


def test_tampered_https_body_fails_hmac(vector: Vector) -> None:
    text = vector("aml_https_v1_hmac.txt").decode().replace("0.85732", "0.85733")
    with pytest.raises(LocationParseError, match="does not verify"):
        parse_aml_https(text, hmac_key=b"AML")


def test_https_signed_here_verifies() -> None:
    body = "v=1&location_latitude=10.7725&location_longitude=106.698&location_accuracy=20"
    digest = hmac.new(b"k", body.encode(), hashlib.sha1).hexdigest()
    loc = parse_aml_https(f"{body}&hmac={digest}", hmac_key=b"k")
    assert (loc.lat, loc.lon) == (10.7725, 106.698)


@pytest.mark.parametrize(
    ("extra", "confidence", "warning"),
    [
        ("&location_certainty=83", 83.0, None),
        ("&location_confidence=0.68", 68.0, "fraction"),
        ("&location_source=BLE", 95.0, "unknown source"),
        ("&location_time=soon", 95.0, "time unknown"),
        ("", 95.0, "hmac: absent"),
    ],
)
def test_https_fields(extra: str, confidence: float, warning: str | None) -> None:
    body = "v=1&location_latitude=10.7725&location_longitude=106.698&location_accuracy=20" + extra
    loc = parse_aml_https(body)
    assert loc.confidence == pytest.approx(confidence)
    if warning:
        assert any(warning in w for w in loc.warnings), loc.warnings


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("v=1&location_longitude=106.698", "location_latitude: missing"),
        ("v=1&location_latitude=95&location_longitude=106.698", "latitude 95.0"),
        ("v=1&location_latitude=1&location_latitude=2&location_longitude=3", "repeated"),
        ("v=1&location_latitude=1&location_longitude=3&location_certainty=150", "confidence 150"),
    ],
)
def test_malformed_https_is_refused(body: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_aml_https(body)


def test_gsm7_unpacks_the_data_sms(vector: Vector) -> None:
    packed = bytes.fromhex(vector("aml_sms_data_7bit_packed.hex").decode())
    assert decode_gsm7(packed) == vector("aml_sms_v1_decoded_from_7bit_pdu.txt").decode()


def test_gsm7_refuses_characters_aml_never_uses() -> None:
    with pytest.raises(LocationParseError, match="never uses"):
        decode_gsm7(b"\x80\x80\x80")


def test_raw_binary_data_sms_is_detected(vector: Vector) -> None:
    packed = bytes.fromhex(vector("aml_sms_data_7bit_packed.hex").decode())
    loc = parse_location(packed)
    assert (loc.lat, loc.lon) == (37.42175, -122.08461)
