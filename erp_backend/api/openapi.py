"""The OpenAPI document states every answer an operation gives, not only its success.

FastAPI documents the success answer and a 422 in a shape of its own. Here every error
answer is the one shape {"code", "message", "details"} (docs/errors.md), and the statuses an
operation can give follow from what it is:
- it authenticates (a `security` requirement, from the bearer dependency of
  context.request_context): 401, 403, 422 (a value the database refuses) and 503;
- it takes parameters or a body: 422;
- it names a resource in its path: 404;
- it changes something (POST, PATCH): 409 (a state that does not allow it, a lost race).
A route declares what its own work adds beyond that with `responses=errors(...)`.
tests/api/test_schema_fuzz.py holds the server to this document (schemathesis, all checks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from erp_backend.api.schemas import ErrorBody

ERROR = "Error"
ERROR_REF = f"#/components/schemas/{ERROR}"
WHY: dict[int, str] = {
    401: "`UNAUTHENTICATED`: no `Authorization: Bearer` key, or an unknown, expired or revoked "
    "one.",
    403: "`FORBIDDEN`: the role may not do this, or a key other than the service's sent "
    "`X-Chat-Identity`; `IDENTITY_NOT_LINKED`: an unlinked chat asked for more than the "
    "catalog.",
    404: "`NOT_FOUND`: no such resource, or another customer's (never 403, so that existence "
    "does not leak).",
    409: "The state does not allow this (`INVALID_TRANSITION`, `CUSTOMER_INACTIVE`, "
    "`CREDIT_LIMIT_EXCEEDED`), it exists already (`ALREADY_EXISTS`), or the request lost a "
    "race with another change (`CONFLICT`); nothing was changed.",
    422: "`VALIDATION_ERROR`: the request does not follow this document (malformed JSON "
    "included; `details.errors` lists each field) or breaks a rule it cannot state (a period "
    "that ends before it starts); or a business rule refused it: `UNKNOWN_PRODUCT`, "
    "`UNKNOWN_CUSTOMER`, `PRODUCT_INACTIVE`, `OVERPAYMENT`, `RETURN_NOT_ALLOWED`, "
    "`LINK_CODE_INVALID`, `IDEMPOTENCY_KEY_REUSED`.",
    429: "`TOO_MANY_ATTEMPTS`: too many wrong link codes from this chat, or from all chats "
    "at once (docs/security.md); `Retry-After` says when to try again.",
    503: "`SERVICE_UNAVAILABLE`: the database cannot be reached; nothing was changed.",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
    429: {
        "Retry-After": {
            "required": True,
            "description": "seconds",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same `Idempotency-Key`",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
WRITES = {"post", "put", "patch", "delete"}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Error answers one route adds to those of its kind (see the module's docstring)."""
    return {status: {"description": WHY[status]} for status in statuses}


def install_openapi(app: FastAPI) -> None:
    """Complete FastAPI's document (it builds it again when routes change; so do we)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        if ERROR not in document.get("components", {}).get("schemas", {}):
            complete(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR] = ErrorBody.model_json_schema() | {
        "title": ERROR,
        "description": "Every error answer (docs/errors.md): `code` is stable, `message` is for "
        "people, `details` carries the data.",
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _complete_operation(path, method, operation)
    # FastAPI's own 422 shape is not what this API answers
    text = repr(document["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}'" not in text:
            schemas.pop(unused, None)


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses: set[int] = {int(status) for status in responses if status.isdigit()}
    statuses = {status for status in statuses if status >= 400}
    if operation.get("security"):
        statuses |= {401, 403, 422, 503}
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if method in WRITES:
        statuses.add(409)
    for code in statuses:
        answer = responses.setdefault(str(code), {})
        own = answer.get("content")
        if own and "HTTPValidationError" not in repr(own):
            continue  # a shape of the route's own (the health check's 503)
        answer["description"] = WHY.get(code) or answer.get("description") or "An error."
        answer["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}
        if code in HEADERS:
            answer["headers"] = HEADERS[code]
    parameters = operation.get("parameters", [])
    if any(parameter.get("name") == "Idempotency-Key" for parameter in parameters):
        for status, answer in responses.items():
            if status.startswith("2"):
                answer.setdefault("headers", {}).update(REPLAYED)
    operation["responses"] = dict(sorted(responses.items()))
