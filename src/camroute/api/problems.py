"""Render every error once, as RFC 9457 ``application/problem+json``."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from camroute.errors import CamrouteError, TooManyRequestsError
from camroute.live.redact import TicketRedactor, install_ticket_redactor, redact_tickets

PROBLEM_JSON = "application/problem+json"
SERVER_ERROR_LOGGER = "uvicorn.error"
log = logging.getLogger(__name__)
# A live-view ticket in /api/live/<ticket>/... is a credential: the error log, like the access
# log, gets the path (and any traceback) with the ticket replaced.
log.addFilter(TicketRedactor())


def problem_response(
    body: dict[str, Any], *, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON response with the problem media type."""
    return JSONResponse(
        body, status_code=int(body["status"]), media_type=PROBLEM_JSON, headers=headers
    )


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


async def _camroute_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CamrouteError)
    if exc.status >= 500:
        log.error("%s on %s: %s", exc.code, redact_tickets(request.url.path), exc.detail)
    body = exc.to_problem()
    body["instance"] = request.url.path
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if isinstance(exc, TooManyRequestsError):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    return problem_response(body, headers=headers or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_name(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    body = {
        "type": "urn:camroute:problem:invalid_input",
        "title": "Invalid input",
        "status": 422,
        "code": "invalid_input",
        "detail": detail,
        "errors": errors,
        "instance": request.url.path,
    }
    return problem_response(body)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = {
        "type": "about:blank",
        "title": str(exc.detail),
        "status": exc.status_code,
        "detail": str(exc.detail),
        "instance": request.url.path,
    }
    return problem_response(body, headers=getattr(exc, "headers", None))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", redact_tickets(request.url.path), exc_info=exc)
    body = {
        "type": "urn:camroute:problem:internal_error",
        "title": "Internal error",
        "status": 500,
        "code": "internal_error",
    }
    return problem_response(body)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers once on ``app``."""
    # Starlette re-raises a 500 after rendering it, and the server logs its traceback again.
    install_ticket_redactor(SERVER_ERROR_LOGGER)
    app.add_exception_handler(CamrouteError, _camroute_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
