"""The basemap's typed errors (rendered once as problem+json, or as a CLI error line)."""

from __future__ import annotations

from camroute.errors import InvalidInputError


class BasemapImportError(InvalidInputError):
    """A basemap file or option cannot be used (names the file and what is wrong)."""
