"""Format recognition and the content-type agreement rule."""

from __future__ import annotations

import pytest

from camroute.location import LocationParseError
from camroute.location.detect import detect, media_type


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<presence/>", "pidf-lo"),
        (b"\xef\xbb\xbf  <presence/>", "pidf-lo"),
        ("<a/>".encode("utf-16"), "pidf-lo"),
        (b'  {"lon": 1, "lat": 2}', "json"),
        (b"GEO:1,2", "geo-uri"),
        (b'A"ML=1;lt=1', "aml"),
        (b"AML=1;lt=1", "aml"),
        (b"v=1&location_latitude=1&location_longitude=2", "aml-https"),
        (b"7P28QMFX+26", "plus-code"),
        (b"QMFX+26 Ho Chi Minh", "plus-code"),
        (b"415193D98BEDD8F4DEECE6A2C962B7DA", "aml-data"),
        (b"ABCDEF0123456789", "text"),
        ("Số 1 Lê Lợi, Phường Bến Thành".encode(), "text"),
    ],
)
def test_sniffed_kind(body: bytes, kind: str) -> None:
    assert detect(body) == kind


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"<presence/>", "application/pidf+xml", "pidf-lo"),
        (b"<presence/>", "Application/PIDF+XML; charset=UTF-8", "pidf-lo"),
        (b"<findService/>", "application/lost+xml", "pidf-lo"),
        (b'{"lon": 1, "lat": 2}', "application/json", "json"),
        (b'{"type": "Point"}', "application/geo+json", "json"),
        (b'A"ML=1;lt=1', "text/plain", "aml"),
        (b"geo:1,2", "text/plain; charset=utf-8", "geo-uri"),
        (b"v=1&location_latitude=1", "application/x-www-form-urlencoded", "aml-https"),
        (b"geo:1,2", "application/octet-stream", "geo-uri"),
        (b"geo:1,2", None, "geo-uri"),
    ],
)
def test_declared_type_that_agrees(body: bytes, content_type: str | None, kind: str) -> None:
    assert detect(body, content_type=content_type) == kind


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<presence/>", "application/json"),
        (b'{"lon": 1, "lat": 2}', "application/pidf+xml"),
        (b'{"lon": 1, "lat": 2}', "text/plain"),
        (b'A"ML=1;lt=1', "application/json"),
        (b"geo:1,2", "application/x-www-form-urlencoded"),
    ],
)
def test_declared_type_that_disagrees_is_refused(body: bytes, content_type: str) -> None:
    with pytest.raises(LocationParseError, match="does not match the body") as info:
        detect(body, content_type=content_type)
    assert info.value.field == "content_type"


@pytest.mark.parametrize(
    ("body", "match"), [(b"", "empty"), (b" \n\t", "empty"), (b"\xff\x00\x81", "not UTF-8")]
)
def test_unreadable_body_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        detect(body)


@pytest.mark.parametrize(
    ("header", "expected"), [(None, None), ("", None), ("text/plain;charset=x", "text/plain")]
)
def test_media_type(header: str | None, expected: str | None) -> None:
    assert media_type(header) == expected
