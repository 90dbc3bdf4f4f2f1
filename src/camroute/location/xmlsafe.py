"""Parse untrusted XML: no DTD, no entities, no external references, bounded size and depth.

Parsing goes through ``defusedxml`` (expat underneath), which stops at the ``<!DOCTYPE``
before any entity is declared or expanded and never opens a file or a URL.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from camroute.location.errors import LocationParseError

BOM = b"\xef\xbb\xbf"
MAX_XML_BYTES = 64 * 1024
MAX_ELEMENTS = 10_000
MAX_DEPTH = 64
_DECLARED_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{0,40})["']""")
_ENCODINGS = frozenset({b"utf-8", b"utf8", b"utf-16", b"utf16", b"us-ascii", b"ascii"})


def parse_xml(body: bytes, *, warnings: list[str]) -> Element:
    """The root element of ``body``, or :class:`LocationParseError` naming the reason.

    Examples
    --------
    >>> parse_xml(b"<a><b/></a>", warnings=[]).tag
    'a'
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', warnings=[])
    Traceback (most recent call last):
    ...
    camroute.location.errors.LocationParseError: xml: DTDs and entity declarations are refused
    """
    if body.startswith(BOM):
        body = body[len(BOM) :]
        warnings.append("xml: byte order mark removed")
    if len(body) > MAX_XML_BYTES:
        raise LocationParseError(
            f"xml: document of {len(body)} bytes exceeds {MAX_XML_BYTES} bytes", field="body"
        )
    _check_encoding(body)
    _refuse_nul(body)
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise LocationParseError(
            "xml: DTDs and entity declarations are refused", field="body"
        ) from None
    except ParseError as exc:
        raise LocationParseError(f"xml: not well-formed ({exc})", field="body") from None
    except (LookupError, UnicodeError):
        raise LocationParseError("xml: undecodable text", field="body") from None
    _check_shape(root)
    return root


def _refuse_nul(body: bytes) -> None:
    """Name a NUL (U+0000): XML cannot carry one, and the parser would only say "invalid token"."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: zero bytes are part of the text
        try:
            text = body.decode("utf-16")
        except UnicodeDecodeError:
            return  # the parser says what is wrong
        at, unit = text.find("\x00"), "character"
    else:
        at, unit = body.find(b"\x00"), "byte"
    if at >= 0:
        raise LocationParseError(f"xml: NUL character (U+0000) at {unit} {at}", field="body")


def _check_encoding(body: bytes) -> None:
    declared = _DECLARED_ENCODING.match(body)
    if declared and declared.group(1).lower() not in _ENCODINGS:
        name = declared.group(1).decode("ascii", "replace")[:20]
        raise LocationParseError(f"xml: encoding {name!r} refused; use UTF-8", field="body")


def _check_shape(root: Element) -> None:
    count = 0
    stack: list[tuple[Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise LocationParseError(f"xml: more than {MAX_ELEMENTS} elements", field="body")
        if depth > MAX_DEPTH:
            raise LocationParseError(f"xml: nested deeper than {MAX_DEPTH} levels", field="body")
        stack.extend((child, depth + 1) for child in element)
