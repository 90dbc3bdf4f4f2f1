"""Errors of the location intake (422, naming the field and the reason)."""

from __future__ import annotations

from typing import Any

from camroute.errors import InvalidInputError


class LocationParseError(InvalidInputError):
    """The location message is malformed, hostile, or says it holds no location."""

    code = "location_parse_error"
    title = "Caller location could not be parsed"


class NeedsGeocodingError(LocationParseError):
    """The body is free text (a spoken address): the lookup capability must geocode it.

    ``civic`` carries a structured civic address when the message had one (RFC 5139 keys);
    it is returned in the problem body so the caller can pass it to the lookup.
    """

    code = "needs_geocoding"
    title = "Free-text address needs geocoding"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        civic: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, field=field, errors=errors)
        self.civic = civic

    def to_problem(self) -> dict[str, Any]:
        """The problem body, with the civic address when there is one."""
        body = super().to_problem()
        if self.civic:
            body["civic"] = self.civic
        return body
