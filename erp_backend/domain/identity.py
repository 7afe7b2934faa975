"""Chat identities and the rules of one-time link codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from erp_backend.domain.errors import DomainError, ErrorCode

LINK_CODE_DIGITS = 6
LINK_CODE_TTL = timedelta(hours=1)
MAX_FAILED_LINK_ATTEMPTS = 5
LINK_LOCKOUT = timedelta(minutes=15)

_IDENTITY_RE = re.compile(
    r"^(?P<channel>[a-z][a-z0-9_]{0,19}):(?P<external_id>[A-Za-z0-9_.@-]{1,128})$"
)


@dataclass(frozen=True)
class ChatIdentity:
    channel: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


def parse_chat_identity(value: str) -> ChatIdentity:
    match = _IDENTITY_RE.match(value.strip())
    if match is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "X-Chat-Identity must look like '<channel>:<id>', e.g. 'telegram:123456'.",
            header="X-Chat-Identity",
        )
    return ChatIdentity(match["channel"], match["external_id"])


@dataclass(frozen=True)
class LinkAttempts:
    """Failed redemptions by one chat identity inside the current window."""

    failures: int
    window_started_at: datetime
    locked_until: datetime | None


def ensure_not_locked(attempts: LinkAttempts | None, now: datetime) -> None:
    if attempts and attempts.locked_until and attempts.locked_until > now:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            "Too many wrong codes. Please wait a few minutes and ask for a new code.",
            retry_after_seconds=int((attempts.locked_until - now).total_seconds()) + 1,
        )


def after_failure(attempts: LinkAttempts | None, now: datetime) -> LinkAttempts:
    """Count one more failure; the window restarts once a lockout period has passed."""
    if attempts is None or now - attempts.window_started_at > LINK_LOCKOUT:
        attempts = LinkAttempts(failures=0, window_started_at=now, locked_until=None)
    failures = attempts.failures + 1
    locked_until = now + LINK_LOCKOUT if failures >= MAX_FAILED_LINK_ATTEMPTS else None
    return LinkAttempts(failures, attempts.window_started_at, locked_until)
