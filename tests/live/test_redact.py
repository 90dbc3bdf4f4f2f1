"""Tickets never reach the access log, checked with uvicorn's own access formatter."""

from __future__ import annotations

import io
import logging

from uvicorn.logging import AccessFormatter

from camroute.app import create_app
from camroute.live.redact import ACCESS_LOGGER, TicketRedactor, install_ticket_redactor


def test_access_log_line_has_no_ticket() -> None:
    ticket = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaXNwIn0.c2lnbmF0dXJl"
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
    logger = logging.getLogger("test.access.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    install_ticket_redactor("test.access.redact")
    try:
        # the call uvicorn's httptools/h11 protocols make for every response
        args = ("127.0.0.1:5000", "GET", f"/api/live/{ticket}/mjpeg", "1.1", 200)
        logger.info('%s - "%s %s HTTP/%s" %d', *args)
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/api/calls", "1.1", 201)
    finally:
        logger.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == '127.0.0.1:5000 - "GET /api/live/[ticket]/mjpeg HTTP/1.1" 200 OK'
    assert ticket not in out.getvalue()
    assert lines[1].endswith('"GET /api/calls HTTP/1.1" 201 Created')


def test_the_app_installs_it_once() -> None:
    create_app()
    create_app()
    filters = logging.getLogger(ACCESS_LOGGER).filters
    assert sum(isinstance(f, TicketRedactor) for f in filters) == 1
