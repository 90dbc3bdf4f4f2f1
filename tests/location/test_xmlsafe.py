"""Hostile XML is refused fast, without touching the file system or the network."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from camroute.location import LocationParseError, parse_location
from camroute.location.xmlsafe import MAX_DEPTH, MAX_ELEMENTS, MAX_XML_BYTES, parse_xml

Vector = Callable[[str], bytes]
_WATCH: list[list[tuple[str, str]]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH and event in ("open", "socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _WATCH[-1].append((event, str(args[0])[:200]))


sys.addaudithook(_audit)


@contextmanager
def _io_seen() -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    _WATCH.append(seen)
    try:
        yield seen
    finally:
        _WATCH.pop()


def test_audit_hook_sees_a_file_open(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("x")
    with _io_seen() as seen:
        target.read_text()
    assert any(str(target) in arg for _event, arg in seen)


def _entity_doc(system_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE presence [<!ENTITY xxe SYSTEM "{system_id}">]>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf">&xxe;</presence>'
    ).encode()


@pytest.mark.parametrize(
    "doc",
    [
        _entity_doc("file:///etc/passwd"),
        _entity_doc("http://127.0.0.1:9/evil.dtd"),
        b'<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://127.0.0.1:9/p.dtd"><p/>',
        b'<!DOCTYPE p [<!ENTITY % x SYSTEM "file:///etc/hostname"> %x;]><p/>',
        b'<p xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></p>',
    ],
    ids=["xxe-file", "xxe-http", "external-dtd", "parameter-entity", "xinclude"],
)
def test_external_references_are_never_followed(doc: bytes) -> None:
    with _io_seen() as seen, pytest.raises(LocationParseError):
        parse_location(doc, content_type="application/pidf+xml")
    assert seen == []


@pytest.mark.parametrize(
    "name",
    ["constructed_pidflo_xxe_must_reject.xml", "constructed_pidflo_billion_laughs_must_reject.xml"],
)
def test_hostile_vectors_are_refused_fast_without_io(vector: Vector, name: str) -> None:
    body = vector(name)
    with _io_seen() as seen:
        start = time.perf_counter()
        with pytest.raises(LocationParseError, match="DTDs and entity declarations are refused"):
            parse_location(body)
        elapsed = time.perf_counter() - start
    assert seen == []
    assert elapsed < 1.0  # generous bound against an expansion (the parse takes ~0.1 ms)


def test_quadratic_blowup_entity_is_refused() -> None:
    body = ('<!DOCTYPE p [<!ENTITY a "' + "x" * 50_000 + '">]><p>' + "&a;" * 1000 + "</p>").encode()
    with pytest.raises(LocationParseError, match=r"DTDs|exceeds"):
        parse_xml(body, warnings=[])


def test_oversized_document_is_refused() -> None:
    body = b"<p>" + b" " * MAX_XML_BYTES + b"</p>"
    with pytest.raises(LocationParseError, match="exceeds"):
        parse_xml(body, warnings=[])


def test_too_deep_document_is_refused() -> None:
    depth = MAX_DEPTH + 1
    body = b"<a>" * depth + b"</a>" * depth
    with pytest.raises(LocationParseError, match="nested deeper"):
        parse_xml(body, warnings=[])


def test_very_deep_document_does_not_crash() -> None:
    depth = 20_000
    body = b"<a>" * depth + b"</a>" * depth
    with pytest.raises(LocationParseError):
        parse_location(body)


def test_too_many_elements_are_refused() -> None:
    body = b"<a>" + b"<b/>" * (MAX_ELEMENTS + 1) + b"</a>"
    with pytest.raises(LocationParseError, match="more than"):
        parse_xml(body, warnings=[])


def test_shallow_document_at_the_limits_parses() -> None:
    body = b"<a>" * (MAX_DEPTH - 1) + b"</a>" * (MAX_DEPTH - 1)
    assert parse_xml(body, warnings=[]).tag == "a"


def test_processing_instruction_and_comments_are_inert() -> None:
    root = parse_xml(b'<?xml-stylesheet href="file:///x"?><a><!-- c --><?pi x?></a>', warnings=[])
    assert list(root) == []


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'<?xml version="1.0" encoding="EBCDIC-US"?><a/>', "encoding .EBCDIC-US. refused"),
        (b"<a><b></a>", "mismatched tag"),
        (b"<a>&unknown;</a>", "undefined entity"),
    ],
)
def test_malformed_xml_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_xml(body, warnings=[])


@pytest.mark.parametrize(
    "declaration",
    [b'<?xml version="1.0" encoding="UTF-8"?>', b"<?xml version='1.0' encoding='utf-8'?>", b""],
)
def test_utf8_declarations_are_accepted(declaration: bytes) -> None:
    assert parse_xml(declaration + b"<a/>", warnings=[]).tag == "a"


def test_utf16_document_parses() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><a>Bến Thành</a>'.encode("utf-16")
    assert parse_xml(body, warnings=[]).text == "Bến Thành"
