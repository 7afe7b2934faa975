"""An error answered by a pure ASGI middleware, in the gateway's error shape (`problem()` in
bot/web.py), before any application has run (bot/body_limit.py, bot/origin.py); its words in
the client's language (Accept-Language: no chat is known yet)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.i18n import known
from bot.language import from_locale

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def send_problem(
    send: Send, status: int, problem: dict[str, Any], *, close: bool = False
) -> None:
    """Answer `status` with `problem` as JSON; `close` ends the connection (its unread body
    is not wanted)."""
    body = json.dumps(problem).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def client_language(scope: MutableMapping[str, Any]) -> str:
    """The language of the request's client: its Accept-Language, else English."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"accept-language":
            return known(from_locale(value.decode("latin-1")))
    return known(None)
