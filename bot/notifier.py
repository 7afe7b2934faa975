"""Proactive messages: the gateway follows the ERP's event feed and tells the chats concerned.

`GET /events?after=<cursor>` gives outbox events in id order, each with its `audience` (the
chats to tell, decided by the ERP). For each event and chat: claim the pair in the gateway's
store (once only, across restarts and processes), word it (bot/notices.py), send it; when
sending fails for a while (Telegram or the network down) the claim is released and the pass
stops there, so the cursor never moves past an event not yet told, and the next pass retries.
Each chat is told in its own language: the one it last spoke in (bot/i18n.py).
A chat that can never be told (it blocked the bot, Telegram is not configured) is logged and
skipped. The cursor moves after each event: a restart resumes where it stopped. A first
start begins at the feed's end, and events older than NOTIFIER_MAX_AGE_HOURS are not told.

A crash between claiming and sending loses that one message rather than risking a second
copy of it: "never twice" is the promise (docs/gateway.md "Proactive messages").
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.delivery import Delivery, NotNow, Undeliverable
from bot.i18n import chat_language, speaking
from bot.metrics import METRICS
from bot.notices import WORDING
from bot.relay import Relay
from bot.store import GatewayStore
from telemetry.logs import chat_tag

log = logging.getLogger(__name__)

CURSOR = "erp-events"
PAGE_SIZE = 100
MAX_BACKOFF_SECONDS = 60.0
HOUSEKEEPING_EVERY = timedelta(hours=1)


class Notifier:
    def __init__(
        self,
        erp_url: str,
        service_key: str,
        store: GatewayStore,
        relay: Relay,
        deliver: Delivery,
        poll_seconds: float,
        max_age: timedelta,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=erp_url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {service_key}"},
            timeout=httpx.Timeout(30.0, connect=5.0),
        )
        self.store = store
        self.relay = relay
        self.deliver = deliver
        self.poll_seconds = poll_seconds
        self.max_age = max_age

    async def close(self) -> None:
        await self._http.aclose()

    async def run(self) -> None:
        """Follow the feed until cancelled; every failure is logged and waited out."""
        failures = 0
        swept = datetime.min.replace(tzinfo=UTC)
        while True:
            try:
                handled = await self.pass_once()
                failures = 0
                delay = 0.0 if handled == PAGE_SIZE else self.poll_seconds
            except Exception as error:  # the notifier must outlive any one failure
                failures += 1
                delay = min(self.poll_seconds * 2**failures, MAX_BACKOFF_SECONDS)
                expected = isinstance(error, httpx.HTTPError | NotNow)
                log.warning(
                    "notifier: %s; trying again in %.0f s",
                    describe(error),
                    delay,
                    exc_info=None if expected else error,
                )
            if datetime.now(UTC) - swept > HOUSEKEEPING_EVERY:
                await asyncio.to_thread(self.store.forget_old)
                swept = datetime.now(UTC)
            await asyncio.sleep(delay)

    async def pass_once(self) -> int:
        """Tell what the feed has after the cursor (one page); how many events were read."""
        after = await asyncio.to_thread(self.store.cursor, CURSOR)
        if after is None:
            await self.start_at_the_end()
            return 0
        events = await self.page_after(after)
        for event in events:
            await self.tell(event)
            await asyncio.to_thread(self.store.move_cursor, CURSOR, int(event["id"]))
        return len(events)

    async def start_at_the_end(self) -> None:
        """A gateway's first start: what happened before it is history, not news to tell."""
        position = 0
        while events := await self.page_after(position):
            position = int(events[-1]["id"])
        await asyncio.to_thread(self.store.move_cursor, CURSOR, position)
        log.info("notifier: first start, following the event feed from event %s", position)

    async def page_after(self, after: int) -> list[dict[str, Any]]:
        response = await self._http.get("/events", params={"after": after, "limit": PAGE_SIZE})
        response.raise_for_status()
        events: list[dict[str, Any]] = response.json()["items"]
        return events

    async def tell(self, event: dict[str, Any]) -> None:
        occurred = datetime.fromisoformat(str(event["occurred_at"]))
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=UTC)
        if datetime.now(UTC) - occurred > self.max_age:
            return  # old news: what the chat asks now is answered with the order as it is
        kind, payload = str(event["type"]), event.get("payload") or {}
        if kind not in WORDING:
            return  # not news for anyone
        event_id = int(event["id"])
        for chat in event.get("audience") or []:
            if not await asyncio.to_thread(self.store.claim, event_id, chat):
                continue  # told already (an earlier pass, or another gateway process)
            try:
                # worded for each chat in its own language (the one it last spoke in)
                with speaking(await chat_language(self.store, chat)):
                    notice = WORDING[kind](payload)
                await self.deliver(chat, await self.relay.remember_buttons(chat, notice))
            except Undeliverable as error:
                log.warning(
                    "notifier: %s for %s not sent: %s", event["type"], chat_tag(chat), error
                )
            except BaseException:
                self.store.release(event_id, chat)  # not sent: the next pass tries again
                raise
            else:
                METRICS.notices_told.inc(str(event["type"]))
                log.info(
                    "notifier: told %s about event %s (%s)",
                    chat_tag(chat),
                    event_id,
                    event["type"],
                )


def describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        if status in (401, 403):
            return f"the ERP refused the gateway's key ({status}); check ERP_SERVICE_KEY"
        return f"the ERP answered {status}"
    if isinstance(error, httpx.HTTPError):
        return f"the ERP could not be reached ({type(error).__name__})"
    return str(error) or type(error).__name__
