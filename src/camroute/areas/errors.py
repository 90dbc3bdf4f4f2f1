"""Errors of the areas package (rendered as problem+json naming the field and the reason)."""

from __future__ import annotations

from camroute.errors import InvalidInputError


class AreaQueryError(InvalidInputError):
    """A lookup or geocode query with a bad value (coordinates, time, limit, text)."""

    code = "area_query_invalid"
    title = "Invalid area query"


class LayerImportError(InvalidInputError):
    """A layer file that cannot be imported as asked (unknown kind, missing field, bad file)."""

    code = "layer_import_invalid"
    title = "Layer cannot be imported"
