"""Recognise which location format a body is in, from its content type and its first bytes."""

from __future__ import annotations

import re
from typing import Literal

from camroute.location.aml import decode_gsm7
from camroute.location.errors import LocationParseError
from camroute.location.pluscode import looks_like_plus_code
from camroute.location.values import refuse_nul

Kind = Literal["pidf-lo", "aml", "aml-https", "aml-data", "json", "geo-uri", "plus-code", "text"]
BOM = b"\xef\xbb\xbf"
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2}){8,512}")
_TEXT_KINDS: frozenset[Kind] = frozenset({"aml", "aml-data", "geo-uri", "plus-code", "text"})
CONTENT_TYPES: dict[str, frozenset[Kind]] = {
    "application/pidf+xml": frozenset({"pidf-lo"}),
    "application/lost+xml": frozenset({"pidf-lo"}),
    "application/gml+xml": frozenset({"pidf-lo"}),
    "application/xml": frozenset({"pidf-lo"}),
    "text/xml": frozenset({"pidf-lo"}),
    "application/json": frozenset({"json"}),
    "application/geo+json": frozenset({"json"}),
    "application/x-www-form-urlencoded": frozenset({"aml-https"}),
    "text/plain": _TEXT_KINDS,
}


def media_type(content_type: str | None) -> str | None:
    """The bare, lower-case media type of a ``Content-Type`` header (parameters dropped).

    Examples
    --------
    >>> media_type("Application/PIDF+XML; charset=utf-8")
    'application/pidf+xml'
    """
    if content_type is None:
        return None
    bare = content_type.split(";", 1)[0].strip().lower()
    return bare or None


def detect(body: bytes, *, content_type: str | None = None) -> Kind:
    """The kind of ``body``; a declared content type must agree with what the body is.

    Examples
    --------
    >>> detect(b'A"ML=1;lt=16.068;lg=108.224;rd=15')
    'aml'
    >>> detect(b"geo:10.7769,106.7009;u=35", content_type="text/plain")
    'geo-uri'
    >>> detect(b"12 Le Loi, Ben Thanh")
    'text'
    """
    kind = _sniff(body)
    declared = media_type(content_type)
    allowed = CONTENT_TYPES.get(declared or "")
    if allowed is not None and kind not in allowed:
        raise LocationParseError(
            f"content type {declared} does not match the body, which looks like {kind}",
            field="content_type",
        )
    return kind


def body_text(body: bytes) -> str:
    """The body as text: UTF-8 (a BOM is dropped), anything else refused."""
    if body.startswith(BOM):
        body = body[len(BOM) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise LocationParseError("body is not UTF-8 text", field="body") from None
    return refuse_nul(text, field="body")


def _sniff(body: bytes) -> Kind:
    stripped = body.lstrip(BOM).strip()
    if not stripped:
        raise LocationParseError("body is empty", field="body")
    if stripped.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):  # UTF-16 is only ever XML here
        return "pidf-lo"
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError:
        if _is_data_sms(stripped):
            return "aml-data"
        raise LocationParseError("body is not UTF-8 text", field="body") from None
    return _sniff_text(text)


def _sniff_text(text: str) -> Kind:
    if text[0] in "{[":
        return "json"
    if text[:4].lower() == "geo:":
        return "geo-uri"
    if text.startswith(('A"ML', "AML=")):
        return "aml"
    if "=" in text and ("location_latitude" in text or text.startswith("v=")):
        return "aml-https"
    if _HEX.fullmatch(text) and _is_data_sms(bytes.fromhex(text)):
        return "aml-data"
    if looks_like_plus_code(text):
        return "plus-code"
    return "text"


def _is_data_sms(data: bytes) -> bool:
    try:
        return decode_gsm7(data).startswith('A"ML=')
    except LocationParseError:
        return False
