"""The one error type of the ERP: a stable code the API and the chat can rely on."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "VALIDATION_ERROR"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    IDENTITY_NOT_LINKED = "IDENTITY_NOT_LINKED"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"
    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"
    PRODUCT_INACTIVE = "PRODUCT_INACTIVE"
    CUSTOMER_INACTIVE = "CUSTOMER_INACTIVE"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CREDIT_LIMIT_EXCEEDED = "CREDIT_LIMIT_EXCEEDED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
    OVERPAYMENT = "OVERPAYMENT"
    RETURN_NOT_ALLOWED = "RETURN_NOT_ALLOWED"
    LINK_CODE_INVALID = "LINK_CODE_INVALID"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


class DomainError(Exception):
    """A refused request. `code` is stable; `message` is for people; `details` for programs."""

    def __init__(
        self, code: ErrorCode, message: str, *, keep_changes: bool = False, **details: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details
        # A refusal that must still record something (a failed link attempt): the
        # transaction is committed before the error is answered.
        self.keep_changes = keep_changes

    def __repr__(self) -> str:
        return f"DomainError({self.code.value!r}, {self.message!r}, {self.details!r})"
