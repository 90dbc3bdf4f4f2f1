"""Render every error once, as RFC 9457 ``application/problem+json``, and say so in OpenAPI."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from camroute.errors import CamrouteError, TooManyRequestsError
from camroute.live.redact import TicketRedactor, install_ticket_redactor, redact_tickets

PROBLEM_JSON = "application/problem+json"
SERVER_ERROR_LOGGER = "uvicorn.error"
log = logging.getLogger(__name__)
# A live-view ticket in /api/live/<ticket>/... is a credential: the error log, like the access
# log, gets the path (and any traceback) with the ticket replaced.
log.addFilter(TicketRedactor())


class ProblemField(BaseModel):
    """One rejected input: which field, and why."""

    field: str
    reason: str


class Problem(BaseModel):
    """An error as RFC 9457 problem details (every 4xx and 5xx answer of the API)."""

    type: str
    title: str
    status: int
    code: str | None = None
    detail: str | None = None
    errors: list[ProblemField] | None = None
    instance: str | None = None


def _problem_response(description: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {PROBLEM_JSON: {"schema": ref}}}


def add_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Declare problem+json error answers on every operation of an OpenAPI ``document``.

    FastAPI documents its own 422 body (``HTTPValidationError``), which this app never sends:
    that one is replaced, and ``4XX`` / ``5XX`` are added where the route declares none.
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("Invalid input (names each field)")
            for code, text in (("4XX", "Client error"), ("5XX", "Server error")):
                responses.setdefault(code, _problem_response(text))
            for code, response in responses.items():
                if code[0] in "45" and PROBLEM_JSON not in response.get("content", {}):
                    responses[code] = _problem_response(response.get("description", "Error"))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install_problem_schema(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare the problem+json error answers (built once, cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_problem_responses(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


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
    """Register the handlers once on ``app``, and declare them in its OpenAPI document."""
    install_problem_schema(app)
    # Starlette re-raises a 500 after rendering it, and the server logs its traceback again.
    install_ticket_redactor(SERVER_ERROR_LOGGER)
    app.add_exception_handler(CamrouteError, _camroute_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
