"""Human handoff: a chat asks for a person and is handed to the staff chat on Telegram.

When the assistant answers with `handoff` (utter_handoff), the staff chat
(STAFF_TELEGRAM_CHAT_ID: a group of the support team, or one person's private chat with the
bot) gets the chat's last lines. From then on the chat's messages go to the staff chat, not to
the assistant; a staff member answers by replying to any of those messages (Telegram's reply),
and `/release` as a reply hands the chat back. A handoff with no activity for
HANDOFF_TIMEOUT_MINUTES ends by itself at the chat's next message. Without a staff chat the
user is told plainly that nobody can take over here, and the assistant keeps the chat.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from enum import Enum

from telegram import Bot
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot.assistant import Reply
from bot.delivery import Delivery, NotNow, Undeliverable
from bot.i18n import DEFAULT, N_, _, chat_language, speaking
from bot.store import GatewayStore
from telemetry.logs import chat_tag

log = logging.getLogger(__name__)

LAST_LINES = 10
LINE_CHARACTERS = 300

NO_STAFF = N_(
    "Sorry, nobody from our team can take over this chat right now. I'm still here for "
    "your orders, invoices and stock; for anything else, please contact your sales rep."
)
STAFF_UNREACHABLE = N_(
    "Sorry, your message could not be passed to our team just now. Please send it again in "
    "a minute."
)
BACK_AFTER_SILENCE = N_(
    "Our team member has left the conversation, so I'm back. If you still need a person, "
    "just ask again."
)
RELEASED = N_("Our team member has handed you back to me. How can I help?")
# What the staff chat is told, in its own language (STAFF_LANGUAGE)
ASKS_FOR_A_PERSON = N_(
    "{chat} asks for a person.\n\n{said}\n\nReply to this message to answer them; reply "
    "/release to hand them back to the assistant."
)
THEM = N_("Them: {text}")
BOT = N_("Bot: {text}")
QUIET_TOO_LONG = N_("{chat} was quiet too long: back with the assistant.")
NOT_A_CUSTOMERS_MESSAGE = N_("That message is not from a customer's chat. Reply to one of theirs.")
ALREADY_BACK = N_("{chat} is already back with the assistant.")
HANDED_BACK = N_("{chat} is back with the assistant.")
NOT_PASSED_ON = N_("{chat} is back with the assistant; your message was not passed on.")
DID_NOT_REACH = N_("Your message did not reach {chat}: {error}")
# A staff member's words as the customer reads them
STAFF_SAYS = N_("{name}: {text}")
OUR_TEAM = N_("Our team")


class Forwarded(Enum):
    NO = "the assistant has the chat"
    YES = "passed to the staff"
    ENDED = "the handoff had timed out: ended, the assistant has the chat again"


class Handoff:
    def __init__(
        self,
        store: GatewayStore,
        staff_chat_id: int | None,
        timeout: timedelta,
        staff_language: str = DEFAULT,
    ) -> None:
        self.store = store
        self.staff_chat_id = staff_chat_id
        self.timeout = timeout
        self.staff_language = staff_language  # what the gateway writes in the staff chat
        self.deliver: Delivery | None = None  # set when the channels exist (app.py)

    @property
    def staffed(self) -> bool:
        return self._staff_chat() is not None

    def _staff_chat(self) -> tuple[Bot, int] | None:
        if self.staff_chat_id is None or self.deliver is None or self.deliver.telegram is None:
            return None
        return self.deliver.telegram.application.bot, self.staff_chat_id

    # -- the chat's side -------------------------------------------------------------------

    async def begin(self, chat: str) -> list[Reply]:
        """The assistant handed `chat` over: tell the staff; what the user should read too (in
        the language of the turn)."""
        if not self.staffed:
            return [Reply(_(NO_STAFF))]
        if not await asyncio.to_thread(self.store.hand_over, chat):
            return []  # with a person already
        lines = await asyncio.to_thread(self.store.last_lines, chat, LAST_LINES)
        with speaking(self.staff_language):
            said = "\n".join(
                (_(THEM) if who == "user" else _(BOT)).format(text=shorten(text))
                for who, text in lines
            )
            asks = _(ASKS_FOR_A_PERSON).format(chat=chat, said=said)
        try:
            await self._to_staff(chat, asks)
        except TelegramError as error:
            log.warning("handoff: the staff chat could not be told (%s)", error)
            await asyncio.to_thread(self.store.hand_back, chat)
            return [Reply(_(NO_STAFF))]
        log.info("handoff: %s is with the staff", chat_tag(chat))
        return []

    async def forward(self, chat: str, said: str) -> tuple[Forwarded, list[Reply]]:
        """A message from `chat`: to the staff when it is with them. What the chat is told is
        in the language of its turn."""
        if not self.staffed:  # no staff chat, no handoffs: no lookup on every turn
            return Forwarded.NO, []
        active_at = await asyncio.to_thread(self.store.handed_over_since, chat)
        if active_at is None:
            return Forwarded.NO, []
        if datetime.now(UTC) - active_at > self.timeout:
            await asyncio.to_thread(self.store.hand_back, chat)
            with speaking(self.staff_language):
                quiet = _(QUIET_TOO_LONG).format(chat=chat)
            await self._tell_staff_quietly(quiet)
            return Forwarded.ENDED, [Reply(_(BACK_AFTER_SILENCE))]
        try:
            await self._to_staff(chat, f"{chat}: {said}")
        except TelegramError as error:
            log.warning("handoff: a message of %s was not passed on (%s)", chat_tag(chat), error)
            return Forwarded.YES, [Reply(_(STAFF_UNREACHABLE))]
        await asyncio.to_thread(self.store.touch_handoff, chat)
        return Forwarded.YES, []

    # -- the staff's side ------------------------------------------------------------------

    async def staff_replied(self, replied_to: int, text: str, staff_name: str | None) -> str | None:
        """A staff member replied to message `replied_to` of the staff chat; what the staff
        chat should be told back, if anything (in the staff chat's language). The customer
        reads the staff member's words, and a release, in the chat's own language."""
        with speaking(self.staff_language):
            return await self._staff_replied(replied_to, text, staff_name)

    async def _staff_replied(
        self, replied_to: int, text: str, staff_name: str | None
    ) -> str | None:
        chat = await asyncio.to_thread(self.store.chat_of_staff_message, replied_to)
        if chat is None:
            return _(NOT_A_CUSTOMERS_MESSAGE)
        command = (text.split(maxsplit=1) or [""])[0].split("@", 1)[0].lower()
        if command == "/release":
            if not await asyncio.to_thread(self.store.hand_back, chat):
                return _(ALREADY_BACK).format(chat=chat)
            with speaking(await chat_language(self.store, chat)):
                released = Reply(_(RELEASED))
            await self._deliver_quietly(chat, released)
            return _(HANDED_BACK).format(chat=chat)
        if await asyncio.to_thread(self.store.handed_over_since, chat) is None:
            return _(NOT_PASSED_ON).format(chat=chat)
        with speaking(await chat_language(self.store, chat)):
            words = Reply(_(STAFF_SAYS).format(name=staff_name or _(OUR_TEAM), text=text))
        try:
            await self._deliver(chat, words)
        except (NotNow, Undeliverable) as error:
            return _(DID_NOT_REACH).format(chat=chat, error=error)
        await asyncio.to_thread(self.store.touch_handoff, chat)
        return None

    # -- sending ---------------------------------------------------------------------------

    async def _to_staff(self, chat: str, text: str) -> None:
        """Send to the staff chat, remembering that the message stands for `chat`."""
        staff = self._staff_chat()
        if staff is None:
            raise TelegramError("no staff chat")
        bot, staff_chat_id = staff
        sent = await bot.send_message(staff_chat_id, text[: MessageLimit.MAX_TEXT_LENGTH])
        await asyncio.to_thread(self.store.staff_message, sent.message_id, chat)

    async def _tell_staff_quietly(self, text: str) -> None:
        staff = self._staff_chat()
        if staff is None:
            return
        bot, staff_chat_id = staff
        try:
            await bot.send_message(staff_chat_id, text)
        except TelegramError as error:
            log.warning("handoff: the staff chat could not be told (%s)", error)

    async def _deliver(self, chat: str, reply: Reply) -> None:
        if self.deliver is None:
            raise Undeliverable("no channels")
        await self.deliver(chat, reply)

    async def _deliver_quietly(self, chat: str, reply: Reply) -> None:
        try:
            await self._deliver(chat, reply)
        except (NotNow, Undeliverable) as error:
            log.warning("handoff: %s was not told it is back (%s)", chat_tag(chat), error)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LINE_CHARACTERS else text[: LINE_CHARACTERS - 1] + "…"
