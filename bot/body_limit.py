"""A size limit on request bodies, enforced before the body is read (pure ASGI middleware).

A request whose `Content-Length` is over the limit is answered 413 at once, its body unread.
One without `Content-Length` (chunked) is counted as it arrives: once the count passes the
limit the client is answered 413 and the application is told the client left, so it never
holds more than the limit. A 413 closes the connection (the rest of the body is not wanted).
The answer has the gateway's error shape (`problem()` in bot/web.py): code TOO_LARGE.

The limit is per path: a small default (a chat message is at most 2,000 characters of JSON),
and larger ones for the paths that need them (Telegram's webhook).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from bot.asgi import client_language, send_problem
from bot.i18n import N_, _, speaking

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = "TOO_LARGE"
TOO_LARGE_MESSAGE = N_("The request is too large.")


class BodyLimit:
    def __init__(
        self, app: ASGIApp, *, max_bytes: int, per_path: Mapping[str, int] | None = None
    ) -> None:
        if max_bytes < 0 or any(limit < 0 for limit in (per_path or {}).values()):
            raise ValueError("a body limit is a number of bytes, 0 or more")
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    def limit_for(self, path: str) -> int:
        return self.per_path.get(path, self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await refuse(send, limit, client_language(scope))
            return

        received = 0
        started = False  # the application began its answer
        refused = False  # this middleware answered 413 in its place

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await refuse(send, limit, client_language(scope))
                    # what the application sees: the client went away mid-body
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the client has its 413; whatever the application says is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # the application failed on the body it was denied (a client disconnect, most
            # likely): the client has been answered already


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it sends none (or one that is not a
    number, which the server refuses before the application sees it)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def refuse(send: Send, limit: int, language: str) -> None:
    with speaking(language):
        message = _(TOO_LARGE_MESSAGE)
    problem = {"code": TOO_LARGE, "message": message, "details": {"max_bytes": limit}}
    await send_problem(send, 413, problem, close=True)
