"""The typed events a map receives, and the fallback when one cannot be carried.

Every event is a pydantic model with a ``kind`` (its discriminator), an ``id``, a time and the
incident it concerns. The domain packages define their own kinds on top of :class:`Event`;
the bus and the SSE stream only need this base.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    """One change a map may want to show.

    Examples
    --------
    >>> event = Event(kind="demo", incident_id="i1", id="e1", at="2026-01-01T00:00:00Z")
    >>> event.to_json()
    b'{"kind":"demo","incident_id":"i1","id":"e1","at":"2026-01-01T00:00:00Z"}'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    incident_id: str | None = Field(
        default=None, description="The incident the event concerns (null: every incident)."
    )
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, description="Unique per event.")
    at: datetime = Field(default_factory=lambda: datetime.now(UTC), description="When, UTC.")

    def to_json(self) -> bytes:
        """The event as compact JSON: the SSE ``data`` line and the NOTIFY payload."""
        return self.__pydantic_serializer__.to_json(self)


RefetchReason = Literal["too_large", "fell_behind"]


class Refetch(Event):
    """Reload what the map shows from the API: an event could not be carried.

    ``too_large``: the event named by ``about`` did not fit in one PostgreSQL NOTIFY, so this
    stands in for it (same ``id``, ``at`` and ``incident_id``). ``fell_behind``: this
    subscriber's queue overflowed and lost events.
    """

    kind: Literal["refetch"] = "refetch"
    reason: RefetchReason
    about: str | None = Field(default=None, description="The kind of the event replaced.")

    @classmethod
    def standing_in_for(cls, event: Event) -> Refetch:
        """The refetch that replaces ``event`` (too large to send)."""
        return cls(
            reason="too_large",
            about=event.kind,
            incident_id=event.incident_id,
            id=event.id,
            at=event.at,
        )
