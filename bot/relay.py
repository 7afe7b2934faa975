"""One turn of any channel: what the user sent goes to the assistant, its replies come back.

The channels (Telegram, web chat) authenticate the chat and render replies; this module is
what they share: typed commands, button presses checked against the buttons actually offered
to that chat, and every offered button remembered with a short token.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.assistant import Assistant, Reply
from bot.handoff import Forwarded, Handoff
from bot.i18n import N_, _, chat_language, speaking
from bot.language import choose, from_locale, next_language
from bot.linking import UNAVAILABLE, Linker, is_token
from bot.store import GatewayStore
from telemetry.logs import request_scope

EXPIRED_BUTTON = N_(
    "That button is no longer active. Please tell me in your own words what you'd like to do."
)
# Typed commands (Telegram's /start and /help, or a slash typed in the web chat) become plain
# words; a typed "/intent{...}" never reaches the assistant as an intent payload.
COMMANDS = {"/start": "hello", "/help": "what can you do?"}


class Relay:
    def __init__(
        self,
        assistant: Assistant,
        store: GatewayStore,
        handoff: Handoff,
        linker: Linker | None = None,
    ) -> None:
        self.assistant = assistant
        self.store = store
        self.handoff = handoff
        self.linker = linker

    async def say(self, chat: str, text: str, locale: str | None = None) -> list[Reply]:
        """A message the user typed; `locale` is the client's (Telegram's language_code, the
        browser's Accept-Language), the first guess at the chat's language. Telegram's deep
        link arrives as "/start <token>": the chat is linked here, and the token never reaches
        the assistant."""
        command, _space, argument = text.strip().partition(" ")
        if command.split("@", 1)[0].lower() == "/start" and is_token(argument.strip()):
            return await self.link(chat, argument.strip(), locale)
        language = await self.language_for(chat, text, locale)
        return await self._turn(chat, as_words(text), text.strip(), language)

    async def language_for(self, chat: str, text: str | None, locale: str | None) -> str:
        """The language to answer this message in (bot/language.py), remembered for the chat:
        the client's locale is the first guess; a message without words, or a button (`text`
        None), keeps the chat's language."""
        known = await asyncio.to_thread(self.store.language, chat)
        current = known[0] if known else from_locale(locale)
        if text is None:
            language, asked = current or "en", False
        else:
            language, asked = next_language(current, text), choose(text).asked
        if known is None or known[0] != language:
            await asyncio.to_thread(self.store.choose_language, chat, language, asked)
        return language

    async def link(self, chat: str, token: str, locale: str | None = None) -> list[Reply]:
        """Link `chat` by a one-tap link's token (bot/linking.py), answered in the chat's
        language (the client's locale for a chat that has none yet)."""
        language = await self.language_for(chat, None, locale)
        with request_scope(), speaking(language):
            if self.linker is None:
                return [Reply(_(UNAVAILABLE))]
            return [Reply(await self.linker.link(chat, token))]

    async def press(self, chat: str, payload: str, locale: str | None = None) -> list[Reply]:
        """A button press carrying the button's payload (web chat)."""
        if not await asyncio.to_thread(self.store.was_offered, chat, payload):
            return await self.expired(chat, locale)
        language = await self.language_for(chat, None, locale)
        return await self._turn(chat, payload, payload, language)

    async def press_token(self, chat: str, token: str, locale: str | None = None) -> list[Reply]:
        """A button press carrying the button's token (Telegram callback data)."""
        payload = await asyncio.to_thread(self.store.offered_payload, chat, token)
        if payload is None:
            return await self.expired(chat, locale)
        language = await self.language_for(chat, None, locale)
        return await self._turn(chat, payload, payload, language)

    async def expired(self, chat: str, locale: str | None) -> list[Reply]:
        """A press of a button that was not offered to `chat` (or too long ago), said in the
        chat's language."""
        with speaking(await chat_language(self.store, chat, locale)):
            return [Reply(_(EXPIRED_BUTTON))]

    async def _turn(self, chat: str, message: str, said: str, language: str) -> list[Reply]:
        """`message` to the assistant (or to a person, when the chat is with one); `said` is
        how it reads in a transcript. Log lines of the turn carry its request id (the web
        request's, or a new one for a Telegram update); what the gateway writes itself in the
        turn is in the turn's language."""
        with request_scope(), speaking(language):
            return await self._turn_in_scope(chat, message, said, language)

    async def _turn_in_scope(
        self, chat: str, message: str, said: str, language: str
    ) -> list[Reply]:
        forwarded, first = await self.handoff.forward(chat, said)
        if forwarded is Forwarded.YES:
            return first
        turn = await self.assistant.tell(chat, message, language)
        replies = [
            await self.remember_buttons(chat, reply)
            for reply in turn.replies
            if reply.shows_something
        ]
        if self.handoff.staffed:  # kept only to show whoever takes the chat over
            lines = [("user", said)] + [("bot", reply.text) for reply in replies if reply.text]
            await asyncio.to_thread(self.store.note, chat, lines)
        if any(reply.handoff for reply in turn.replies):
            replies += await self.handoff.begin(chat)
        return first + replies

    async def remember_buttons(self, chat: str, reply: Reply) -> Reply:
        """`reply` with its buttons offered to `chat` (so they may be pressed) and tokened."""
        if not reply.buttons:
            return reply
        buttons = []
        for button in reply.buttons:
            token = await asyncio.to_thread(self.store.offer, chat, button.title, button.payload)
            buttons.append(replace(button, token=token))
        return replace(reply, buttons=tuple(buttons))


def as_words(text: str) -> str:
    stripped = text.strip()
    if not stripped.startswith("/"):
        return stripped
    command = stripped.split(maxsplit=1)[0].split("@", 1)[0].lower()
    if command in COMMANDS:
        return COMMANDS[command]
    return stripped.lstrip("/").strip() or COMMANDS["/help"]
