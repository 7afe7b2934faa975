"""JSON log lines that carry the request id of the turn or request being served.

One JSON object per line: `time` (UTC, ISO 8601), `level`, `logger`, `message`,
`request_id` (null outside a request) and any `extra={...}` fields; `exception` when a
traceback is logged. `LOG_FORMAT=text` gives the classic one-line text for a console.
"""

from __future__ import annotations

import json
import logging
import re
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
