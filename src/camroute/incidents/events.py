"""What connected maps hear about incidents: typed SSE events, one kind each.

An incident event carries the incident's new list row (the ``IncidentSummary`` the queue shows),
so a map updates that one row without asking for the list; a view event carries the ticket's
ids. ``IncidentEvent`` is the union the SSE stream sends and the bus parses (by ``kind``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, model_validator

from camroute.events.models import Event, Refetch
from camroute.incidents.models import IncidentRead, IncidentSummary

IncidentKind = Literal["incident.created", "incident.updated", "incident.status"]
ViewKind = Literal["view.opened", "view.renewed", "view.ended", "view.revoked"]


class IncidentChanged(Event):
    """An incident as its list row shows it now, after a change.

    ``incident.created``: a call opened it; ``incident.updated``: a new location, ranked again;
    ``incident.status``: a dispatcher moved it on (or closed it).
    """

    kind: IncidentKind
    incident_id: str
    incident: IncidentSummary

    @model_validator(mode="after")
    def _same_incident(self) -> IncidentChanged:
        if self.incident.id != self.incident_id:
            raise ValueError(
                f"incident_id {self.incident_id!r} is not the row's {self.incident.id!r}"
            )
        return self

    @classmethod
    def of(cls, kind: IncidentKind, incident: IncidentRead) -> IncidentChanged:
        """The event for ``incident`` (only its summary columns travel)."""
        row = IncidentSummary.model_validate(
            {name: getattr(incident, name) for name in IncidentSummary.model_fields}
        )
        return cls(kind=kind, incident_id=incident.id, incident=row)


class ViewChanged(Event):
    """A live view of the incident opened, was renewed, ended, or was revoked.

    ``camera_id``, ``user`` and ``expires_at`` are null on ``view.revoked``, which says why in
    ``because`` (the ticket's ``revoked_because``); the signed ticket itself never travels.
    """

    kind: ViewKind
    incident_id: str
    ticket_id: str
    camera_id: str | None = None
    user: str | None = None
    expires_at: datetime | None = None
    because: str | None = None


IncidentEvent = Annotated[IncidentChanged | ViewChanged | Refetch, Field(discriminator="kind")]
INCIDENT_EVENTS: TypeAdapter[IncidentEvent] = TypeAdapter(IncidentEvent)


def parse_event(raw: str | bytes) -> Event:
    """One event from its JSON (a NOTIFY payload); raises ``pydantic.ValidationError``."""
    event: Event = INCIDENT_EVENTS.validate_json(raw)
    return event
