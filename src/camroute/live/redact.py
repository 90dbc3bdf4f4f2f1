"""Keep live-view tickets out of the server's access log.

A ticket in ``/api/live/<ticket>/...`` is a bearer credential for a camera until it expires;
an access log is read by more people, and kept longer, than a ticket should live. The filter
rewrites the path in each access-log record before any handler formats it.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_TICKET_IN_PATH = re.compile(r"(/api/live/)[^/?#\s]+")
REDACTED = r"\1[ticket]"


def redact_tickets(text: str) -> str:
    """``text`` with every live-view ticket in a path replaced by ``[ticket]``.

    Examples
    --------
    >>> redact_tickets("/api/live/eyJhbGciOi.x.y/mjpeg?w=640")
    '/api/live/[ticket]/mjpeg?w=640'
    >>> redact_tickets("/api/incidents/42")
    '/api/incidents/42'
    """
    return _TICKET_IN_PATH.sub(REDACTED, text)


class TicketRedactor(logging.Filter):
    """A logging filter that redacts tickets in a record's message, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_tickets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_tickets(a) if isinstance(a, str) else a for a in record.args)
        if record.exc_info and not record.exc_text:
            # Handlers reuse ``exc_text`` when set: format the traceback once, redacted.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_tickets(record.exc_text)
        return True


def install_ticket_redactor(logger_name: str = ACCESS_LOGGER) -> None:
    """Attach one :class:`TicketRedactor` to the access logger (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, TicketRedactor) for f in logger.filters):
        logger.addFilter(TicketRedactor())
