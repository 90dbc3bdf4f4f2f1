"""RFC 5139 civic addresses (with the RFC 6848 extensions) -> a flat ``dict``."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from camroute.location.values import clean_text

CIVIC = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
CIVIC_EXT = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr:ext"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
KEYS = frozenset(
    {"country", "A1", "A2", "A3", "A4", "A5", "A6", "PRD", "POD", "STS", "HNO", "HNS", "LMK"}
    | {"LOC", "FLR", "NAM", "PC", "BLD", "UNIT", "ROOM", "SEAT", "PLC", "PCN", "POBOX"}
    | {"ADDCODE", "RD", "RDSEC", "RDBR", "RDSUBBR", "PRM", "POM"}
)
EXT_KEYS = frozenset({"PN", "MP", "STP", "HNP"})


def is_civic(element: Element) -> bool:
    """Whether ``element`` is an RFC 5139 ``civicAddress``."""
    return element.tag == f"{{{CIVIC}}}civicAddress"


def parse_civic(element: Element, *, warnings: list[str]) -> dict[str, str] | None:
    """Element names as keys, whitespace-trimmed NFC text as values; ``A6`` read as ``RD``.

    Examples
    --------
    >>> from xml.etree.ElementTree import fromstring
    >>> doc = fromstring(
    ...     '<c:civicAddress xmlns:c="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr">'
    ...     "<c:country>US</c:country><c:A6> Broadway </c:A6></c:civicAddress>"
    ... )
    >>> parse_civic(doc, warnings=[])
    {'country': 'US', 'RD': 'Broadway'}
    """
    result: dict[str, str] = {}
    lang = clean_text(element.get(XML_LANG), field="civicAddress.lang")
    if lang:
        result["lang"] = lang
    for child in element:
        ns, _, key = child.tag[1:].partition("}") if child.tag.startswith("{") else ("", "", "")
        known = (ns == CIVIC and key in KEYS) or (ns == CIVIC_EXT and key in EXT_KEYS)
        if not known:
            warnings.append(f"civicAddress: unknown element {key[:24]!r} ignored")
            continue
        value = clean_text(child.text, field=f"civicAddress.{key}")
        if value is not None:
            result[key] = value
    if "A6" in result:
        street = result.pop("A6")
        if "RD" not in result:
            result["RD"] = street
            warnings.append("civicAddress: deprecated A6 read as RD")
    return result if set(result) - {"lang"} else None
