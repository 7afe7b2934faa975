"""Chat identities and the rules of one-time link codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from erp_backend.domain.errors import DomainError, ErrorCode

LINK_CODE_DIGITS = 6
LINK_CODE_TTL = timedelta(hours=1)
MAX_FAILED_LINK_ATTEMPTS = 5
LINK_LOCKOUT = timedelta(minutes=15)
# Guessing bounds beside the per-chat lockout (docs/security.md has the odds): a live code is
# void after this many wrong codes were tried anywhere while it was live, so no code can be
# guessed with more tries than that, however many chats or addresses guess; and past this
# many wrong codes in a lockout window across all chats, codes are refused for everyone for
# a while (links by token keep working).
MAX_WRONG_GUESSES_PER_CODE = 50
MAX_WRONG_CODES_GLOBAL = 200
# The one-tap link (a long single-use token in a Telegram deep link or a web chat address)
# can be sent by e-mail or printed, so it lasts longer than the code read out on the phone.
LINK_TOKEN_BYTES = 24
LINK_TOKEN_TTL = timedelta(days=7)

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


def ensure_codes_not_flooded(wrong_codes_in_window: int) -> None:
    """Refuse codes for everyone while wrong ones arrive faster than people mistype them."""
    if wrong_codes_in_window >= MAX_WRONG_CODES_GLOBAL:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            "Too many wrong codes are being tried right now. Please wait a few minutes, or use "
            "the link you were sent.",
            retry_after_seconds=int(LINK_LOCKOUT.total_seconds()),
        )


@dataclass(frozen=True)
class LinkAddresses:
    """Where one-tap links point: the web chat's public address and the Telegram bot's name
    (either may be unset, then that link is not offered)."""

    web_chat_url: str = ""
    telegram_bot: str = ""

    def web(self, token: str) -> str | None:
        if not self.web_chat_url:
            return None
        # in the fragment: a browser never sends it, so no proxy's access log holds it
        return f"{self.web_chat_url.rstrip('/')}/#link={quote(token)}"

    def telegram(self, token: str) -> str | None:
        if not self.telegram_bot:
            return None
        return f"https://t.me/{self.telegram_bot.lstrip('@')}?start={quote(token)}"


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
