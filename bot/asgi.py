"""An error answered by a pure ASGI middleware, in the gateway's error shape (`problem()` in
bot/web.py), before any application has run (bot/body_limit.py, bot/origin.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

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
