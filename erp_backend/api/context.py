"""Per-request plumbing: credentials, the transaction, idempotency and the JSON answer."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
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
        now = self.clock()

        def attempt(session: Session) -> T:
            _caller, actor = authenticate(session, self.credentials, now)
            return work(session, actor)

        return in_transaction(self.read_sessions, attempt)

    def caller_and_actor(self, work: Callable[[Session, Actor, Actor, datetime], T]) -> T:
        """For the few uses that need the key's own principal too (linking a chat)."""
        now = self.clock()

        def attempt(session: Session) -> T:
            caller, actor = authenticate(session, self.credentials, now)
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
            caller, actor = authenticate(session, self.credentials, now)
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


# Documents the bearer scheme (and each authenticated operation's `security`) in the OpenAPI
# document; a missing or malformed header is left to authenticate(): 401 UNAUTHENTICATED.
BEARER = HTTPBearer(
    auto_error=False, scheme_name="bearerAuth", description="`Authorization: Bearer <api key>`"
)


async def request_context(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
    x_chat_identity: Annotated[
        str | None,
        Header(description="`<channel>:<id>`; only the service principal may send it."),
    ] = None,
) -> RequestContext:
    # async: it does no I/O, and a sync dependency would cost a thread hop per request
    api_key = (bearer.credentials.strip() or None) if bearer is not None else None
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
        description="Repeat a request safely: the same key and body replay the first answer. "
        "1 to 255 printable ASCII characters, no space at either end (a UUID will do).",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        pattern=r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
    ),
]

# Cursors: send back what `next_cursor` gave. Each kind is documented by its pattern, and
# every value of that pattern is a position the server accepts, so a client (or a fuzzer)
# that follows the schema is never refused.
# - after a key (SKU, customer code): the key's UTF-8 bytes in unpadded base64url. A value
#   that decodes to no key of ours is still a position in key order.
# - before an id (orders, invoices): the id in decimal.
KEY_CURSOR = r"^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$"
ID_CURSOR = r"^[0-9]{1,18}$"
KeyCursor = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=KEY_CURSOR,
        description="`next_cursor` of the previous page (unpadded base64url)",
    ),
]
IdCursor = Annotated[
    str | None,
    Query(pattern=ID_CURSOR, description="`next_cursor` of the previous page (an id)"),
]


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    if not re.fullmatch(KEY_CURSOR, cursor):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The cursor is not valid.")
    padded = cursor + "=" * (-len(cursor) % 4)
    # NUL is not a character PostgreSQL stores or compares
    return base64.urlsafe_b64decode(padded).decode(errors="replace").replace("\x00", "\ufffd")


def encode_id_cursor(id_: int) -> str:
    return str(id_)


def decode_id_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not re.fullmatch(ID_CURSOR, cursor):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The cursor is not valid.")
    return int(cursor)
