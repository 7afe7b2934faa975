"""Idempotency-Key handling, after the IETF httpapi Idempotency-Key draft.

The key is claimed by inserting its record in the same transaction as the work it guards:
- a retry after success finds the record and gets the first response replayed;
- the same key with another body is refused (IDEMPOTENCY_KEY_REUSED);
- a concurrent request with the same key waits on the unique index (PostgreSQL) or on the
  write lock (SQLite) until the first commits, then replays its response; if the first
  failed, its record was rolled back with it and the second simply runs.
Only successful responses are stored: a refused request changed nothing, so running it again
is safe and gives the caller a fresh answer (a credit check may pass after a payment).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from erp_backend.db.models import IdempotencyRecord
from erp_backend.db.repositories import insert_for
from erp_backend.domain.errors import DomainError, ErrorCode

KEY_RETENTION = timedelta(hours=48)  # the draft asks for at least 24 hours
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            header="Idempotency-Key",
        )
    return key


def claim(
    session: Session, scope: str, key: str, request_hash: str, now: datetime
) -> int | StoredResponse:
    """Claim the key for this request (its record id), or return the stored response.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent claim of the same key to end:
    if that commits, nothing is inserted and its response is read below."""
    insert = insert_for(session, IdempotencyRecord)
    claimed = session.execute(
        insert.values(
            scope=scope,
            key=key,
            request_hash=request_hash,
            response_status=0,
            response_body="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyRecord.id)
    ).scalar_one_or_none()
    if claimed is not None:
        return int(claimed)
    existing = session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).one()
    if existing.request_hash != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used for a different request.",
            idempotency_key=key,
        )
    if existing.response_status == 0:  # cannot happen while claims commit with their work
        raise DomainError(
            ErrorCode.IDEMPOTENCY_IN_PROGRESS,
            "A request with this Idempotency-Key is still being processed.",
            idempotency_key=key,
        )
    return StoredResponse(existing.response_status, json.loads(existing.response_body))


def complete(session: Session, record_id: int, status: int, body: Any) -> None:
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(response_status=status, response_body=json.dumps(body, separators=(",", ":")))
        .execution_options(synchronize_session=False)
    )


def purge_expired(session: Session, now: datetime) -> int:
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - KEY_RETENTION)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
