"""Telegram: private chats carried to the assistant with python-telegram-bot (PTB 22).

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set (the gateway's
`POST /telegram/webhook` then checks Telegram's secret-token header and queues the update).
Either way each update id is handled once, every button press is answered, replies longer
than Telegram's limit are split, and sending goes through PTB's AIORateLimiter, which keeps
under Telegram's flood limits and waits out a 429's `retry_after`.

The chat identity is `telegram:<chat id>`. Only private chats talk to the assistant: in a
group, everyone would see one member's orders and invoices.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update, User
from telegram.constants import ChatAction, ChatType, MessageLimit
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.assistant import Button, Reply
from bot.charts import FILE_UNAVAILABLE, ChartSource
from bot.charts import UNAVAILABLE as CHART_UNAVAILABLE
from bot.i18n import DEFAULT, LANGUAGES, N_, _, chat_language, speaking
from bot.language import from_locale
from bot.metrics import METRICS
from bot.store import GatewayStore
from telemetry.logs import chat_tag

if TYPE_CHECKING:
    from bot.relay import Relay


log = logging.getLogger(__name__)

ONLY_TEXT = N_(
    "I can only read text messages. Please type what you need, for example "
    '"where is SO-2026-00042?" or "help".'
)
ONLY_PRIVATE = N_(
    "I only talk in private chats, so that your orders and invoices stay between us. "
    "Please message me directly."
)
EDITED = N_("I only read new messages, not edits. Please send it again as a new message.")
STAFF_HELP = N_(
    "To answer a customer, reply to one of their messages here. Reply /release to one of "
    "them to hand that chat back to the assistant."
)
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a minute.")
CHOOSE = N_("Please choose:")  # above buttons that come without words
# The commands Telegram lists in its menu (setMyCommands), in each language: typed, they are
# words for the assistant (bot/relay.py COMMANDS).
MENU = (("start", N_("Start the conversation")), ("help", N_("What I can do for you")))
RETRIES_ON_FLOOD = 3  # a 429 is waited out (retry_after) this many times before giving up
BUTTONS_PER_ROW = 2


def identity(chat_id: int) -> str:
    return f"telegram:{chat_id}"


class TelegramChannel:
    def __init__(
        self,
        token: str,
        api_url: str,
        relay: Relay,
        store: GatewayStore,
        webhook: bool,
        charts: ChartSource,
        staff_chat_id: int | None = None,
        staff_language: str = DEFAULT,
    ) -> None:
        self.relay = relay
        self.store = store
        self.charts = charts
        self.staff_chat_id = staff_chat_id
        self.staff_language = staff_language
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(api_url)
            .base_file_url(api_url.replace("/bot", "/file/bot"))
            .rate_limiter(AIORateLimiter(max_retries=RETRIES_ON_FLOOD))
            .concurrent_updates(16)
        )
        if webhook:
            builder = builder.updater(None)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self._add_handlers()

    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._drop_repeats), group=-1)
        if self.staff_chat_id is not None:
            # the team's chat (bot/handoff.py): replies to the bot's messages answer customers
            staff = filters.Chat(self.staff_chat_id) & filters.UpdateType.MESSAGE
            app.add_handler(MessageHandler(staff & filters.REPLY & filters.TEXT, self._on_staff))
            app.add_handler(MessageHandler(staff, self._on_staff_chatter))
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self._on_edited))
        app.add_handler(MessageHandler(~filters.ChatType.PRIVATE, self._on_group))
        app.add_handler(MessageHandler(filters.TEXT, self._on_text))
        app.add_handler(MessageHandler(filters.ALL, self._on_other))
        app.add_error_handler(self._on_error)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, polling: bool) -> None:
        await self.application.initialize()
        await self.register_commands()
        await self.application.start()
        if polling and self.application.updater is not None:
            await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)

    async def register_commands(self) -> None:
        """Telegram's command menu in each language: Chinese for users whose Telegram speaks
        Chinese (`language_code` "zh"), English for everyone else (the default list). A menu
        that cannot be set is logged: the commands work typed all the same."""
        for language in LANGUAGES:
            with speaking(language):
                commands = [BotCommand(name, _(description)) for name, description in MENU]
            try:
                await self.application.bot.set_my_commands(
                    commands, language_code=None if language == DEFAULT else language
                )
            except TelegramError as error:
                log.warning("telegram's command menu (%s) not set: %s", language, error)

    async def use_webhook(self, url: str, secret: str) -> None:
        await self.application.bot.set_webhook(
            url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def accept(self, data: dict[str, object]) -> None:
        """An update that arrived by webhook."""
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    # -- handlers --------------------------------------------------------------------------

    async def _language(self, chat_id: int, user: User | None) -> str:
        """The language to write to a private chat in: the chat's (bot/i18n.py), or the
        user's Telegram language for a chat that has none yet."""
        locale = user.language_code if user else None
        return await chat_language(self.store, identity(chat_id), locale)

    async def _drop_repeats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await asyncio.to_thread(self.store.first_time, update.update_id):
            log.info("telegram update %s seen before: dropped", update.update_id)
            raise ApplicationHandlerStop

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        chat_id = message.chat_id
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        user = update.effective_user
        locale = user.language_code if user else None
        replies = await self.relay.say(identity(chat_id), message.text, locale)
        await self.send(chat_id, replies)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()  # always, or the user's button keeps spinning
        message = query.message
        if message is None or message.chat.type != ChatType.PRIVATE or not query.data:
            return
        chat_id = message.chat.id
        try:
            # the choice is made: the buttons go, so the same question cannot be answered twice
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as error:
            log.info("could not remove the buttons of a message: %s", error)
        locale = query.from_user.language_code if query.from_user else None
        replies = await self.relay.press_token(identity(chat_id), query.data, locale)
        await self.send(chat_id, replies)

    async def _on_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None or message.reply_to_message is None:
            return
        name = message.from_user.first_name if message.from_user else None
        answer = await self.relay.handoff.staff_replied(
            message.reply_to_message.message_id, message.text, name
        )
        if answer:
            await message.reply_text(answer)

    async def _on_staff_chatter(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and (message.text or "").startswith("/"):
            with speaking(self.staff_language):
                await message.reply_text(_(STAFF_HELP))

    async def _on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.chat.type == ChatType.PRIVATE:
            with speaking(await self._language(message.chat_id, update.effective_user)):
                await context.bot.send_message(message.chat_id, _(EDITED))

    async def _on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # said once, when someone addresses the bot there; everything else in a group is ignored
        message = update.effective_message
        if message is None or not message.text:
            return
        username = context.bot.username
        addressed = message.text.startswith("/") or (
            username is not None and f"@{username}".lower() in message.text.lower()
        )
        if addressed:
            log.info(
                "group %r (chat id %s) addressed the bot; to make it the staff chat for "
                "handoffs, set STAFF_TELEGRAM_CHAT_ID=%s",
                message.chat.title,
                message.chat_id,
                message.chat_id,
            )
            # the person who addressed the bot: their Telegram's language
            user = update.effective_user
            with speaking(from_locale(user.language_code if user else None)):
                await message.reply_text(_(ONLY_PRIVATE))

    async def _on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:  # photo, sticker, voice, location, document, ...
            with speaking(await self._language(message.chat_id, update.effective_user)):
                await message.reply_text(_(ONLY_TEXT))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            chat = update.effective_chat
            if chat.type == ChatType.PRIVATE:
                try:
                    with speaking(await self._language(chat.id, update.effective_user)):
                        await context.bot.send_message(chat.id, _(SOMETHING_WENT_WRONG))
                except TelegramError:
                    log.warning("could not tell %s about the failure", chat_tag(identity(chat.id)))

    # -- sending ---------------------------------------------------------------------------

    async def send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        """`replies` to a private chat; what the gateway adds of its own words (a chart that
        could not be drawn, "Please choose:") is in the chat's language."""
        with speaking(await self._language(chat_id, None)):
            await self._send(chat_id, replies)

    async def _send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        bot = self.application.bot
        for reply in replies:
            parts = split_text(reply.text) if reply.text else []
            markup = keyboard(reply.buttons)
            if reply.image_url:
                await counted(bot.send_photo(chat_id, reply.image_url))
            if reply.chart:
                png = await self.charts.png(identity(chat_id), reply.chart)
                if png is None:
                    await counted(bot.send_message(chat_id, _(CHART_UNAVAILABLE)))
                else:
                    await counted(bot.send_photo(chat_id, png))
            if reply.file:
                content = await self.charts.csv(identity(chat_id), reply.file)
                if content is None:
                    await counted(bot.send_message(chat_id, _(FILE_UNAVAILABLE)))
                else:
                    document = InputFile(content, filename=reply.file.filename)
                    await counted(bot.send_document(chat_id, document))
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                await counted(
                    bot.send_message(chat_id, part, reply_markup=markup if last else None)
                )
            if markup is not None and not parts:
                await counted(bot.send_message(chat_id, _(CHOOSE), reply_markup=markup))


async def counted(sending: Awaitable[object]) -> None:
    """One message to Telegram, counted in gateway_telegram_sends_total."""
    try:
        await sending
    except TelegramError:
        METRICS.telegram_sends.inc("error")
        raise
    METRICS.telegram_sends.inc("ok")


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    keys = [InlineKeyboardButton(button.title, callback_data=button.token) for button in buttons]
    rows = [keys[start : start + BUTTONS_PER_ROW] for start in range(0, len(keys), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram takes at most 4096 characters a message: cut at a paragraph, a line or a
    space before the limit, and mid-word only when a single word is longer than that."""
    parts = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = next(
            (
                window.rfind(separator)
                for separator in ("\n\n", "\n", " ")
                if window.rfind(separator) > limit // 2
            ),
            limit,
        )
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        parts.append(rest.rstrip())
    return parts
