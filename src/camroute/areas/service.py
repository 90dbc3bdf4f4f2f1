"""Area rules over the store: import a layer file, load the layers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from camroute.areas.importers import ImportOptions, read_admin_links, read_layer
from camroute.areas.models import AreaFeature, ImportSummary
from camroute.areas.store import read_features, write_features, write_links

LINKS_KIND = "admin-links"


def import_layer(engine: Engine, path: Path, options: ImportOptions) -> ImportSummary:
    """Read ``path`` as ``options.kind`` and append its usable features to the store.

    ``admin-links`` (the dvhcvn old/new ward mapping) replaces the stored links instead.
    """
    if options.kind == LINKS_KIND:
        links, rejected = read_admin_links(path)
        return ImportSummary(imported=write_links(engine, links), rejected=rejected)
    features, rejected = read_layer(path, options)
    return ImportSummary(imported=write_features(engine, features), rejected=rejected)


def stored_streets(engine: Engine) -> list[AreaFeature]:
    """The stored ``streets`` layer (named ways, WGS84), in import order."""
    return read_features(engine, kind="streets")


def file_streets(path: Path) -> list[AreaFeature]:
    """The named ways of a street file, read as ``camroute layers import streets`` reads it."""
    return read_layer(path, ImportOptions(kind="streets"))[0]
