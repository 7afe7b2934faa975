"""Messages the gateway pushes to open web chat pages (server-sent events), by chat identity.

A page that is not open misses nothing it needs: what the notifier tells is also what the
assistant answers when asked ("where is my order?"). Several tabs of one browser each get the
message. In-process: with several gateway processes, each serves the pages connected to it
and the notifier runs in one of them (docs/gateway.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from bot.assistant import Reply

INBOX_SIZE = 100  # a page that stops reading loses the oldest messages, not the gateway's memory


class WebPush:
    def __init__(self) -> None:
        self._inboxes: dict[str, set[asyncio.Queue[Reply]]] = {}

    @contextmanager
    def listen(self, chat: str) -> Iterator[asyncio.Queue[Reply]]:
        inbox: asyncio.Queue[Reply] = asyncio.Queue(INBOX_SIZE)
        self._inboxes.setdefault(chat, set()).add(inbox)
        try:
            yield inbox
        finally:
            listeners = self._inboxes.get(chat, set())
            listeners.discard(inbox)
            if not listeners:
                self._inboxes.pop(chat, None)

    def listening(self, chat: str) -> bool:
        return bool(self._inboxes.get(chat))

    def send(self, chat: str, reply: Reply) -> int:
        """Queue `reply` for every open page of `chat`; returns how many pages got it."""
        listeners = self._inboxes.get(chat, set())
        for inbox in listeners:
            if inbox.full():
                inbox.get_nowait()
            inbox.put_nowait(reply)
        return len(listeners)
