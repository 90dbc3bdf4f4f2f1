"""The vocabulary of protected zones: what a zone is, and what its policy allows.

The types are declared with the ranked row that carries them (``routing.models``), so the
routing core needs nothing from this package.
"""

from __future__ import annotations

from typing import get_args

from camroute.routing.models import ZoneKind, ZonePolicy

__all__ = ["ZONE_KINDS", "ZONE_POLICIES", "ZoneKind", "ZonePolicy"]

ZONE_KINDS: tuple[str, ...] = get_args(ZoneKind)
ZONE_POLICIES: tuple[str, ...] = get_args(ZonePolicy)
