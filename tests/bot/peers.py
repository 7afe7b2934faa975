"""Protocol peers for the gateway's tests, served over real HTTP on loopback.

- `BotApi`: a local Telegram Bot API server (the methods the gateway calls). python-telegram-bot
  is pointed at it with `TELEGRAM_API_URL`, as TESTING_NOTES suggests; it serves `getUpdates`
  from a queue the test fills and records every call the bot makes.
- `RasaRest`: Rasa's gateway channel (`POST /webhooks/gateway/webhook`) answering from a script, for
  the gateway's own behaviour (buttons, splitting, refusals). The whole product, with the real
  Rasa, is tested in tests/e2e.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.assistant import WEBHOOK_PATH
from rasa_gateway.signing import SigningError, Verifier
from tests.live_server import free_port
from tests.product import RASA_SECRET

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Order desk", "username": "order_desk_bot"}


@contextmanager
def served(app: Starlette) -> Iterator[str]:
    """Serve an ASGI app on a free loopback port in a thread until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True  # False when answered with an error (429, 403)
    result: Any = None  # what the method answered (a sent message, with its message_id)


@dataclass
class BotApi:
    """The Bot API as seen by one bot token."""

    url: str = ""  # where it is served (set by the fixture)
    calls: list[Call] = field(default_factory=list)
    # method name -> how many of its next calls answer 429 (retry_after 1 s)
    flood: dict[str, int] = field(default_factory=dict)
    # chats that blocked the bot: sending to them answers 403
    blocked: set[int] = field(default_factory=set)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_message_id: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _next_update_id: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- what the test does ----------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (an `update_id` is added when missing)."""
        update = {"update_id": next(self._next_update_id), **update}
        with self._lock:
            self._updates.append(update)
        return update

    def made(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts Telegram accepted for that chat, in order."""
        return [str(message["text"]) for message in self.sent_to(chat_id)]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages Telegram accepted for that chat (with their message ids), in order."""
        with self._lock:
            return [
                call.result
                for call in self.calls
                if call.ok
                and call.method == "sendMessage"
                and str(call.params.get("chat_id")) == str(chat_id)
            ]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 15, chat_id: int | None = None
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            found = [
                params
                for params in self.made(method)
                if chat_id is None or str(params.get("chat_id")) == str(chat_id)
            ]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} made {len(found)} times, expected {count}")
            time.sleep(0.05)

    # -- the server ------------------------------------------------------------------------

    def app(self, token: str) -> Starlette:
        async def method(request: Request) -> JSONResponse:
            if request.path_params["token"] != token:
                return JSONResponse(
                    {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
                )
            name = request.path_params["method"]
            params = await parameters(request)
            blocked = name.startswith("send") and str(params.get("chat_id")) in {
                str(chat_id) for chat_id in self.blocked
            }
            with self._lock:
                flooded = not blocked and self.flood.get(name, 0) > 0
                if flooded:
                    self.flood[name] -= 1
                call = Call(name, params, ok=not (flooded or blocked))
                self.calls.append(call)
            if blocked:
                return JSONResponse(
                    {
                        "ok": False,
                        "error_code": 403,
                        "description": "Forbidden: bot was blocked by the user",
                    },
                    403,
                )
            if flooded:
                return JSONResponse(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    },
                    429,
                )
            call.result = await self._answer(name, params)
            return JSONResponse({"ok": True, "result": call.result})

        return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["GET", "POST"])])

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return await self._updates_after(
                int(params.get("offset") or 0), float(params.get("timeout") or 0)
            )
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            message: dict[str, Any] = {
                "message_id": next(self._next_message_id),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
            }
            if method == "sendMessage":
                message["text"] = params.get("text", "")
            elif method == "sendDocument":
                message["document"] = {"file_id": "d1", "file_unique_id": "u2"}
            else:
                message["photo"] = [
                    {"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}
                ]
            return message
        if method == "editMessageReplyMarkup":
            return True
        # setWebhook, deleteWebhook, answerCallbackQuery, sendChatAction, close, logOut
        return True

    async def _updates_after(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 2.0)  # short polls keep the tests quick
        while True:
            with self._lock:
                ready = [update for update in self._updates if update["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)


async def parameters(request: Request) -> dict[str, Any]:
    """PTB sends form fields, with objects (reply_markup, ...) as JSON strings."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if not isinstance(value, str):
            params[key] = "<file>"
            continue
        try:
            params[key] = json.loads(value) if value[:1] in "[{" else value
        except ValueError:
            params[key] = value
    return params


_private_message_ids = itertools.count(1)


def said_in_private(chat_id: int, words: str, **sender: Any) -> dict[str, Any]:
    """A Telegram update: `words` typed in the private chat `chat_id`; `sender` adds to the
    user's fields (`language_code="zh-hans"`)."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Maria", **sender}
    return {
        "message": {
            "message_id": next(_private_message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": person["first_name"]},
            "from": person,
            "text": words,
        }
    }


@dataclass
class RasaRest:
    """Rasa's gateway channel (rasa_gateway/channel.py), answering each message with what
    `script` returns: the REST channel's body and answer, refused (401) unless signed with
    RASA_SECRET, as the real channel does."""

    script: Callable[[str, str], list[dict[str, Any]]]
    url: str = ""  # where it is served (set by the fixture)
    received: list[tuple[str, str]] = field(default_factory=list)
    metadata: list[Any] = field(default_factory=list)  # each message's `metadata`, in order
    delay_seconds: float = 0.0
    refused: int = 0  # requests without a valid signature

    def app(self) -> Starlette:
        verifier = Verifier.from_setting(RASA_SECRET)

        async def webhook(request: Request) -> JSONResponse:
            try:
                verifier.verify(request.headers, await request.body())
            except SigningError:
                self.refused += 1
                return JSONResponse({"code": "UNAUTHENTICATED"}, status_code=401)
            body = await request.json()
            sender, message = body["sender"], body["message"]
            self.received.append((sender, message))
            self.metadata.append(body.get("metadata"))
            if self.delay_seconds:
                await asyncio.sleep(self.delay_seconds)
            return JSONResponse(
                [{"recipient_id": sender, **item} for item in self.script(sender, message)]
            )

        async def root(request: Request) -> JSONResponse:
            return JSONResponse({"version": "3.6.21"})

        return Starlette(
            routes=[
                Route("/", root),
                Route(WEBHOOK_PATH, webhook, methods=["POST"]),
            ]
        )

    def messages_from(self, sender: str) -> list[str]:
        return [message for who, message in self.received if who == sender]
