"""Incident and view events for connected maps (SSE), across replicas on PostgreSQL."""

from camroute.events.bus import Event, EventBus

__all__ = ["Event", "EventBus"]
