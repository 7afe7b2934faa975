"""One handler per kind of failure, all answering {"code", "message", "details"}."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from erp_backend.domain.errors import DomainError, ErrorCode

log = logging.getLogger("erp_backend.api")

HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.IDENTITY_NOT_LINKED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.UNKNOWN_PRODUCT: 422,
    ErrorCode.UNKNOWN_CUSTOMER: 422,
    ErrorCode.PRODUCT_INACTIVE: 422,
    ErrorCode.CUSTOMER_INACTIVE: 409,
    ErrorCode.ALREADY_EXISTS: 409,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.CREDIT_LIMIT_EXCEEDED: 409,
    ErrorCode.INSUFFICIENT_STOCK: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.IDEMPOTENCY_IN_PROGRESS: 409,
    ErrorCode.OVERPAYMENT: 422,
    ErrorCode.RETURN_NOT_ALLOWED: 422,
    ErrorCode.LINK_CODE_INVALID: 422,
    ErrorCode.TOO_MANY_ATTEMPTS: 429,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}

_HTTP_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
}


class ErrorResponse(JSONResponse):
    """An error answer that remembers its code (counted in erp_errors_total)."""

    def __init__(self, code: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    retry = (details or {}).get("retry_after_seconds")
    if retry is not None:
        headers = {"Retry-After": str(retry)}
    return ErrorResponse(
        code,
        {"code": code, "message": message, "details": details or {}},
        status_code=status,
        headers=headers,
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _counted(handler: Handler) -> Handler:
    async def answer(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None and isinstance(response, ErrorResponse):
            metrics.errors.inc(response.code)
        return response

    return answer


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(HTTP_STATUS[exc.code], exc.code.value, exc.message, exc.details)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "problem": error.get("msg", "invalid"),
            "type": error.get("type", "value_error"),
            **_limit_of(error),
        }
        for error in exc.errors()
    ]
    first = problems[0] if problems else {"field": "", "problem": "invalid"}
    message = f"{first['field'] or 'request'}: {first['problem']}"
    return error_response(422, ErrorCode.VALIDATION_ERROR.value, message, {"errors": problems})


def _limit_of(error: Any) -> dict[str, Any]:
    """The bound a value broke ("less than or equal to 100000" → {"limit": 100000}), so a
    client can say it in its own words instead of showing the validator's sentence."""
    context = error.get("ctx") or {}
    for bound in ("le", "lt", "ge", "gt", "max_length", "min_length"):
        value = context.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"limit": value}
    return {}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code)
    if code is not None:
        return error_response(exc.status_code, code.value, str(exc.detail))
    if exc.status_code == 400:
        # FastAPI could not even read the body (not UTF-8): malformed JSON, like a body that
        # does not parse, so the same answer (docs/errors.md)
        return error_response(
            422,
            ErrorCode.VALIDATION_ERROR.value,
            "body: the request body is not valid JSON",
            {"errors": [{"field": "body", "problem": str(exc.detail), "type": "json_invalid"}]},
        )
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        response = error_response(
            405, "METHOD_NOT_ALLOWED", "This method is not allowed here.", {"allowed": allowed}
        )
        response.headers["Allow"] = ", ".join(allowed)  # RFC 9110: a 405 says what is
        return response
    return error_response(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail))


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """What the OpenAPI document gives this path, where a fixed path wins over a template
    (/stock/receipts is not /stock/{sku}); for a path it leaves out (/metrics), what the
    routes serve."""
    documented = _documented_methods(request.app, request.url.path)
    if documented is not None:
        return documented
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


Template = tuple[re.Pattern[str], bool, frozenset[str]]


def _documented_methods(app: Any, path: str) -> list[str] | None:
    document = app.openapi()
    cached = getattr(app.state, "path_templates", None)
    if cached is None or cached[0] is not document:
        cached = (document, _templates(document))
        app.state.path_templates = cached
    matching = [(fixed, methods) for regex, fixed, methods in cached[1] if regex.fullmatch(path)]
    if not matching:
        return None
    if any(fixed for fixed, _ in matching):
        matching = [(fixed, methods) for fixed, methods in matching if fixed]
    return [method for method in METHODS if any(method in methods for _, methods in matching)]


def _templates(document: dict[str, Any]) -> list[Template]:
    templates = []
    for template, operations in document.get("paths", {}).items():
        parts = re.split(r"(\{[^}]+\})", template)
        regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        methods = frozenset(method.upper() for method in operations if method.upper() in METHODS)
        templates.append((re.compile(regex), "{" not in template, methods))
    return templates


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    # The database refused a value that validation let through: still the caller's input.
    log.warning("database refused a value: %s", exc)
    return error_response(
        422, ErrorCode.VALIDATION_ERROR.value, "A value in the request is not acceptable."
    )


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    # Two requests created the same code at the same moment: the loser learns it exists.
    # Anything else (a check constraint) means the request lost a race; nothing was written.
    assert isinstance(exc, IntegrityError)
    # the first line only: PostgreSQL's DETAIL line quotes the clashing key, which may be a
    # chat identity (chat_links) or a customer's data
    log.warning("integrity error: %s", (str(exc.orig).splitlines() or [""])[0])
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate key" in text:
        return error_response(409, ErrorCode.ALREADY_EXISTS.value, "That record already exists.")
    return error_response(
        409, "CONFLICT", "The request conflicted with another change; nothing was changed."
    )


async def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc)
    return error_response(
        503,
        ErrorCode.SERVICE_UNAVAILABLE.value,
        "The ERP database is not reachable right now; nothing was changed.",
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(
        500, "INTERNAL_ERROR", "Something went wrong on our side; nothing was changed."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _counted(_domain_error))
    app.add_exception_handler(RequestValidationError, _counted(_validation_error))
    app.add_exception_handler(StarletteHTTPException, _counted(_http_error))
    app.add_exception_handler(DataError, _counted(_data_error))
    app.add_exception_handler(IntegrityError, _counted(_integrity_error))
    app.add_exception_handler(OperationalError, _counted(_unavailable))
    # every connection busy
    app.add_exception_handler(PoolTimeoutError, _counted(_unavailable))
    app.add_exception_handler(Exception, _counted(_unexpected))
