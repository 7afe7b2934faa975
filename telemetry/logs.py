"""JSON log lines that carry the request id of the turn or request being served.

One JSON object per line: `time` (UTC, ISO 8601), `level`, `logger`, `message`,
`request_id` (null outside a request) and any `extra={...}` fields; `exception` when a
traceback is logged. `LOG_FORMAT=text` gives the classic one-line text for a console.

A chat identity (`web:<session id>`, `telegram:<chat id>`) is never logged as it is: a web
session id is what the gateway, Rasa and the ERP know the chat by. `chat_tag(identity)` is
what a log line carries instead, `web:` + 12 hex digits of HMAC-SHA256 keyed with
LOG_HASH_KEY. Processes given the same key tag a chat alike, so the gateway's and the action
server's lines of one chat can be joined; without the key each process draws a random one
(the tags still follow one chat through that process's lines, not across processes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may look like: short, and nothing that could forge a log line or a
# header (no spaces, quotes, newlines). Anything else is replaced by a fresh id.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TAG_HEX_DIGITS = 12
# A channel name kept readable in front of the hash ("web", "telegram"); anything else
# before the colon is hashed with the rest and tagged "chat".
_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,15}")
_log_hash_key: bytes | None = None

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(given: str | None) -> str:
    """The caller's id when it is acceptable, else a new one."""
    if given and _ACCEPTABLE.fullmatch(given):
        return given
    return new_request_id()


def current_request_id() -> str | None:
    return _request_id.get()


def use_log_hash_key(key: str) -> None:
    """Tag chats with this key from now on (the process's LOG_HASH_KEY setting); empty: the
    LOG_HASH_KEY variable, else a random key for this process."""
    global _log_hash_key
    _log_hash_key = key.encode("utf-8", "surrogateescape") if key else None


def _hash_key() -> bytes:
    global _log_hash_key
    if _log_hash_key is None:
        given = os.environ.get("LOG_HASH_KEY", "")
        _log_hash_key = (
            given.encode("utf-8", "surrogateescape") if given else secrets.token_bytes(32)
        )
    return _log_hash_key


def chat_tag(identity: str | None) -> str:
    """What a log line says for a chat identity: its channel and a keyed hash of the whole,
    `web:3f9a0c51d2e4` for `web:<session id>`. The identity cannot be read back from it (nor
    guessed and checked, a Telegram chat id being a number, without the key)."""
    if identity is None:
        return "none"
    channel, colon, _ = identity.partition(":")
    if not (colon and _CHANNEL.fullmatch(channel)):
        channel = "chat"
    message = identity.encode("utf-8", "surrogatepass")
    digest = hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()
    return f"{channel}:{digest[:TAG_HEX_DIGITS]}"


@contextmanager
def request_scope(request_id: str | None = None) -> Iterator[str]:
    """Log lines inside the block carry `request_id` (the current one, or a new one)."""
    chosen = request_id or _request_id.get() or new_request_id()
    token = _request_id.set(chosen)
    try:
        yield chosen
    finally:
        _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class _RequestIdText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = _request_id.get()
        return f"{text} [request_id={request_id}]" if request_id else text


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "text":
        return _RequestIdText("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter()


def configure_logging(
    log_format: str = "json", level: str = "INFO", *, logger: str | None = None
) -> None:
    """Log to stderr in `log_format` ("json" or "text"). Without `logger`, for the whole
    process (the root logger, which uvicorn's loggers reach too); with it, for that logger
    only (the action server, whose host process configures its own logging)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    target = logging.getLogger(logger)
    for old in list(target.handlers):
        target.removeHandler(old)
    target.addHandler(handler)
    target.setLevel(level.upper())
    if logger is not None:
        target.propagate = False
    else:
        for name in ("uvicorn", "uvicorn.error"):
            logging.getLogger(name).handlers.clear()
            logging.getLogger(name).propagate = True
        # the access line is written by telemetry.http (with route template and request id)
        access = logging.getLogger("uvicorn.access")
        access.handlers.clear()
        access.propagate = False
