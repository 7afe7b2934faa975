"""Sending a message to a chat by its identity, outside a turn (news, a staff member's reply).

Telegram chats get it at once; a web chat gets it on every open page, or kept for the next
page that opens. Failures are sorted into "not now" (try again later) and "never" (the chat
blocked the bot, the chat is gone, Telegram is not configured).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.assistant import Reply
from bot.push import WebPush
from bot.store import GatewayStore
from bot.web import as_json
from telemetry.logs import chat_tag

if TYPE_CHECKING:
    from bot.telegram import TelegramChannel


class NotNow(Exception):
    """The message could not be sent now; it may go through later."""


class Undeliverable(Exception):
    """This chat cannot be told, now or later."""


class Delivery:
    """Sends a notice to a chat by its identity: Telegram, or the open pages of a web chat
    (kept for the next page that opens when none is open)."""

    def __init__(
        self, store: GatewayStore, push: WebPush, telegram: TelegramChannel | None
    ) -> None:
        self.store = store
        self.push = push
        self.telegram = telegram

    async def __call__(self, chat: str, reply: Reply) -> None:
        channel, _, address = chat.partition(":")
        if channel == "web":
            if self.push.send(chat, reply) == 0:
                await asyncio.to_thread(self.store.keep_notice, chat, json.dumps(as_json(reply)))
            return
        if channel != "telegram" or not address.lstrip("-").isdigit():
            raise Undeliverable(f"no channel for {chat_tag(chat)}")  # a logged message
        if self.telegram is None:
            raise Undeliverable("Telegram is not configured (TELEGRAM_BOT_TOKEN)")
        try:
            await self.telegram.send(int(address), [reply])
        except (Forbidden, BadRequest) as error:  # blocked the bot, chat gone, ...
            raise Undeliverable(str(error)) from error
        except TelegramError as error:  # network, timeouts, flood waits beyond the retries
            raise NotNow(str(error)) from error
