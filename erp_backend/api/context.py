"""Per-request plumbing: credentials, the transaction, idempotency and the JSON answer."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import in_transaction
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.principals import Actor
from erp_backend.services import idempotency
from erp_backend.services.identity import Credentials, authenticate

T = TypeVar("T")
Clock = Callable[[], datetime]
Work = Callable[[Session, Actor, datetime], Any]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class RequestContext:
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    clock: Clock
    credentials: Credentials
    method: str
    path: str

    def read(self, work: Callable[[Session, Actor], T]) -> T:
        def attempt(session: Session) -> T:
            _caller, actor = authenticate(session, self.credentials)
            return work(session, actor)

        return in_transaction(self.read_sessions, attempt)

    def caller_and_actor(self, work: Callable[[Session, Actor, Actor, datetime], T]) -> T:
        """For the few uses that need the key's own principal too (linking a chat)."""
        now = self.clock()

        def attempt(session: Session) -> T:
            caller, actor = authenticate(session, self.credentials)
            return work(session, caller, actor, now)

        return in_transaction(self.sessions, attempt)

    def write(
        self,
        work: Work,
        *,
        status_code: int = 200,
        idempotency_key: str | None = None,
        body: BaseModel | None = None,
    ) -> JSONResponse:
        """Run a change in one transaction; with an Idempotency-Key, claim it in that same
        transaction and replay the stored response for a repeated request."""
        now = self.clock()
        key = idempotency.validate_key(idempotency_key) if idempotency_key is not None else None
        request_hash = idempotency.fingerprint(
            self.method, self.path, body.model_dump(mode="json") if body is not None else None
        )

        def attempt(session: Session) -> tuple[int, Any, bool]:
            caller, actor = authenticate(session, self.credentials)
            record = None
            if key is not None:
                claimed = idempotency.claim(
                    session, Credentials.scope(caller, actor), key, request_hash, now
                )
                if isinstance(claimed, idempotency.StoredResponse):
                    return claimed.status, claimed.body, True
                record = claimed
            result = work(session, actor, now)
            payload = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
            if record is not None:
                idempotency.complete(session, record, status_code, payload)
            return status_code, payload, False

        status, payload, replayed = in_transaction(self.sessions, attempt)
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return JSONResponse(payload, status_code=status, headers=headers)


async def request_context(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_chat_identity: Annotated[
        str | None,
        Header(description="`<channel>:<id>`; only the service principal may send it."),
    ] = None,
) -> RequestContext:
    # async: it does no I/O, and a sync dependency would cost a thread hop per request
    api_key = None
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            api_key = token.strip()
    return RequestContext(
        sessions=request.app.state.sessions,
        read_sessions=request.app.state.read_sessions,
        clock=request.app.state.clock,
        credentials=Credentials(api_key=api_key, chat_identity=x_chat_identity),
        method=request.method,
        path=request.url.path,
    )


Ctx = Annotated[RequestContext, Depends(request_context)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Repeat a request safely: the same key and body replay the first answer.",
    ),
]


def encode_cursor(value: int | str) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The cursor is not valid.") from None


def decode_id_cursor(cursor: str | None) -> int | None:
    value = decode_cursor(cursor)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The cursor is not valid.")
    return int(value)
