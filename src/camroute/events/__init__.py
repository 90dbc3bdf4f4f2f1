"""Incident and view events for connected maps (SSE), across replicas on PostgreSQL."""

from camroute.events.bus import EventBus
from camroute.events.models import Event, Refetch

__all__ = ["Event", "EventBus", "Refetch"]
