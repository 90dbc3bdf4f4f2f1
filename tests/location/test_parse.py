"""``parse_location``: dispatch, forced formats, free text, and the property tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from camroute.location import (
    CallerLocation,
    LocationParseError,
    NeedsGeocodingError,
    parse_location,
)

Vector = Callable[[str], bytes]


@pytest.mark.parametrize(
    ("body", "content_type", "fmt"),
    [
        ("geo:10.7769,106.7009;u=35", None, "geo-uri"),
        ('{"lon": 106.7009, "lat": 10.7769}', "application/json", "json"),
        (
            '{"type": "Point", "coordinates": [106.7009, 10.7769]}',
            "application/geo+json",
            "geojson",
        ),
        ("7P28QMFX+26", "text/plain", "plus-code"),
        ('A"ML=1;lt=10.7769;lg=106.7009;rd=20;top=20250701010203;lc=68;pm=G', "text/plain", "aml"),
    ],
)
def test_every_text_format_dispatches(body: str, content_type: str | None, fmt: str) -> None:
    loc = parse_location(body, content_type=content_type)
    assert loc.format == fmt
    assert loc.lat == pytest.approx(10.775, abs=3e-3)


def test_str_and_bytes_agree(vector: Vector) -> None:
    body = vector("pidflo_circle_rfc5491.xml")
    assert parse_location(body) == parse_location(body.decode())


@pytest.mark.parametrize(
    "text",
    ["12 Lê Lợi, Phường Bến Thành, TP Hồ Chí Minh", "ngõ 34 phố Huế, Hà Nội", "QMFX+26 Quận 1"],
)
def test_free_text_needs_geocoding(text: str) -> None:
    with pytest.raises(NeedsGeocodingError) as info:
        parse_location(text.encode(), content_type="text/plain")
    assert info.value.status == 422
    assert info.value.to_problem()["code"] == "needs_geocoding"


def test_text_without_letters_is_not_a_location() -> None:
    with pytest.raises(LocationParseError, match="no known location format") as info:
        parse_location("12 / 34 - 56")
    assert not isinstance(info.value, NeedsGeocodingError)


@pytest.mark.parametrize(
    ("fmt", "body", "match"),
    [
        ("json", "12 Lê Lợi", "not valid JSON"),
        ("pidf-lo", "geo:1,2", "not well-formed"),
        ("geo-uri", "7P28QMFX+26", "expected geo:"),
        ("plus-code", "geo:1,2", "not a valid plus code"),
        ("aml", "geo:1,2", "must start with"),
    ],
)
def test_forced_format_uses_that_parser(fmt: str, body: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_location(body, as_format=fmt)  # type: ignore[arg-type]


def test_forced_aml_reads_the_https_form() -> None:
    loc = parse_location("v=1&location_latitude=1&location_longitude=2", as_format="aml")
    assert (loc.format, loc.lat, loc.lon) == ("aml", 1.0, 2.0)


def test_result_round_trips_through_json(vector: Vector) -> None:
    loc = parse_location(vector("constructed_pidflo_circle_hcmc_vi_civic.xml"))
    assert CallerLocation.model_validate_json(loc.model_dump_json()) == loc


# --- properties: arbitrary input gives a CallerLocation or a LocationParseError, nothing else.

SEEDS = [
    "pidflo_circle_rfc5491.xml",
    "pidflo_ellipse_rfc5491.xml",
    "pidflo_arcband_rfc5491.xml",
    "pidflo_polygon_poslist_rfc5491.xml",
    "pidflo_multi_location_all_shapes_asterisk.xml",
    "constructed_pidflo_circle_hcmc_vi_civic.xml",
    "normau_arcband_sample.xml",
    "aml_sms_v1_valid_wifi.txt",
    "aml_sms_v2_amllib.txt",
    "aml_https_uk_full.txt",
    "aml_sms_data_7bit_packed.hex",
    "pflau_arcband_sample.json",
]
TEXT_SEEDS = [
    '{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35, "confidence": 68, '
    '"time": "2025-07-01T01:00:00Z"}',
    '{"type": "Polygon", "coordinates": [[[106.69,10.77],[106.70,10.77],[106.70,10.78],'
    "[106.69,10.77]]]}",
    "geo:10.7769,106.7009;u=35",
    "7P28QMFX+26",
]
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/pidf+xml",
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
    ]
)


def _outcome(body: bytes, content_type: str | None) -> None:
    try:
        loc = parse_location(body, content_type=content_type)
    except LocationParseError as exc:
        problem = exc.to_problem()
        assert problem["status"] == 422
        assert problem["detail"]
        return
    assert isinstance(loc, CallerLocation)
    assert loc.uncertainty_m >= 0.0
    assert -90.0 <= loc.lat <= 90.0
    assert -180.0 <= loc.lon <= 180.0


@given(body=st.binary(max_size=2048), content_type=CONTENT_TYPES)
def test_arbitrary_bytes_parse_or_fail_cleanly(body: bytes, content_type: str | None) -> None:
    _outcome(body, content_type)


@given(body=st.text(max_size=300))
def test_arbitrary_text_parses_or_fails_cleanly(body: str) -> None:
    _outcome(body.encode("utf-8", "surrogatepass"), None)


def _mutations(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(seeds)))
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "digit"]))
            pos = draw(st.integers(0, max(len(data) - 1, 0)))
            if op == "flip" and data:
                data[pos] = draw(st.integers(0, 255))
            elif op == "delete" and data:
                end = pos + draw(st.integers(1, 16))
                del data[pos:end]
            elif op == "insert":
                data[pos:pos] = draw(
                    st.sampled_from([b"-", b".", b",", b";", b"=", b"<", b"e9", b"&", b"\x00"])
                )
            elif op == "duplicate" and data:
                end = pos + draw(st.integers(1, 32))
                data[pos:pos] = data[pos:end]
            elif op == "digit" and data:
                data[pos] = draw(st.sampled_from(b"0123456789"))
        return bytes(data)

    return mutate()


@pytest.fixture(scope="module")
def seed_bodies(vector: Vector) -> list[bytes]:
    return [vector(name) for name in SEEDS] + [s.encode() for s in TEXT_SEEDS]


def test_seeds_parse(seed_bodies: list[bytes]) -> None:
    for body in seed_bodies:
        assert isinstance(parse_location(body), CallerLocation)


@pytest.mark.slow  # about 25 s under the ci profile (2000 mutations, some of a 13-object doc)
@given(data=st.data())
def test_mutated_messages_parse_or_fail_cleanly(
    data: st.DataObject, seed_bodies: list[bytes]
) -> None:
    body = data.draw(_mutations(seed_bodies))
    _outcome(body, None)


@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    radius=st.floats(0, 200_000),
    confidence=st.floats(0, 120),
)
def test_json_numbers_anywhere_parse_or_fail_cleanly(
    lat: float, lon: float, radius: float, confidence: float
) -> None:
    body = (
        f'{{"lon": {lon!r}, "lat": {lat!r}, "uncertainty_m": {radius!r}, '
        f'"confidence": {confidence!r}}}'
    )
    _outcome(body.encode(), "application/json")


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"lon": 106.7, "lat": 10.77}',
        b'\xef\xbb\xbfA"ML=1;lt=10.77;lg=106.7;rd=5;top=20250701010203;lc=68;pm=G',
        b"\xef\xbb\xbfgeo:10.77,106.7",
    ],
)
def test_bom_before_a_text_format_is_harmless(body: bytes) -> None:
    loc = parse_location(body)
    assert (loc.lat, loc.lon) == (10.77, 106.7)


@pytest.mark.parametrize(
    ("name", "edit", "field"),
    [
        ("constructed_aml_sms_v1_danang.txt", (b";lc=", b"\x00;lc="), "body"),
        ("aml_https_uk_full.txt", (b"location_source=", b"location_source=%00"), "aml."),
        ("constructed_pidflo_circle_hcmc_vi_civic.xml", (b"</gml:pos>", b"\x00</gml:pos>"), "body"),
        ("constructed_pidflo_circle_hcmc_vi_civic.xml", (b"UTF-8", b"UTF-16"), "body"),
    ],
)
def test_a_nul_anywhere_in_a_message_is_named(
    vector: Vector, name: str, edit: tuple[bytes, bytes], field: str
) -> None:
    body = vector(name).replace(*edit, 1)
    if b"UTF-16" in body:  # the same NUL in a UTF-16 document, whose zero bytes are text
        text = body.replace(b"</gml:pos>", b"\x00</gml:pos>", 1).decode("utf-8")
        body = b"\xff\xfe" + text.encode("utf-16-le")
    with pytest.raises(LocationParseError, match=r"NUL character \(U\+0000\)") as info:
        parse_location(body)
    assert (info.value.field or "").startswith(field)
