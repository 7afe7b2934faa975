"""The gateway's own words in the chat's language: what it writes itself, not the assistant.

The assistant's replies come from Rasa already in the turn's language (actions/i18n.py). What
the gateway writes itself (errors, one-tap links, handoff notices, proactive messages, the web
page's own texts, Telegram's command list) is English in the code, wrapped in `_()` where it
is used (or `N_()` where a table or a constant defines it), and translated in the gettext
catalogue `bot/locale/<language>/LC_MESSAGES/messages.po`, read with Babel at start (no
compiled `.mo`; how to update it: bot/locale/README.md). The same design as the actions' (one
English message id, its translation beside it), kept separate: the actions run in another
environment.

The language is chosen per chat where the gateway sends (`speaking`): a turn in the language
bot/relay.py chose for it, anything else (a push, a refusal) in the chat's stored language
(`chat_language`), the client's locale for a chat that has none yet. Money and dates of the
ERP's events are formatted with Babel's locale for the language in Chinese ("¥1,234.50",
"2026年12月1日"); in English they stay as the ERP wrote them, as the gateway always showed
them. A text not in the catalogue stays English; tests/bot/test_i18n.py holds the catalogue
complete for every `_()`/`N_()` in bot/.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from bot.language import from_locale

if TYPE_CHECKING:
    from bot.store import GatewayStore

LANGUAGES = ("en", "zh")
DEFAULT = "en"
# Babel's locale for each language: the formats of money and dates
LOCALES = {"en": "en_GB", "zh": "zh_CN"}
# The page's `<html lang>` for each language (Simplified Chinese)
HTML_LANG = {"en": "en", "zh": "zh-CN"}
CATALOGUES = Path(__file__).parent / "locale"

_language: ContextVar[str] = ContextVar("gateway_language", default=DEFAULT)


def known(language: str | None) -> str:
    """`language` when the catalogue has it, else English."""
    return language if language in LANGUAGES else DEFAULT


def current() -> str:
    """The language being written in now."""
    return _language.get()


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Write the enclosed texts in `language` (English for an unknown one)."""
    token = _language.set(known(language))
    try:
        yield
    finally:
        _language.reset(token)


@cache
def catalogue(language: str) -> dict[str, str]:
    """The translations of one language: English message id → its text."""
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        read = read_po(file, locale=LOCALES[language])
    return {
        str(message.id): str(message.string)
        for message in read
        if message.id and message.string and not message.fuzzy
    }


def N_(message: str) -> str:
    """Marks an English text for the catalogue where it is defined (a constant, a table) and
    leaves it English: `_()` translates it where it is used."""
    return message


def _(message: str) -> str:
    """`message` (English) in the language being written in now."""
    return translated(message, _language.get())


def translated(message: str, language: str) -> str:
    """`message` (English) in `language`."""
    if language == DEFAULT:
        return message
    return catalogue(known(language)).get(message, message)


async def chat_language(store: GatewayStore, chat: str, locale: str | None = None) -> str:
    """The language `chat` is answered in: the one it chose (bot/relay.py `language_for`),
    else the client's locale (Telegram's `language_code`, Accept-Language), else English."""
    chosen = await asyncio.to_thread(store.language, chat)
    return known(chosen[0] if chosen else from_locale(locale))


def money(amount: object, currency: object = None) -> str:
    """An amount of an ERP event ("1234.50", with its currency when the event names one) in
    the language being written in: Chinese "¥1,234.50" (or "1,234.50" with no currency);
    English as the ERP wrote it. Anything not a number stays as it is."""
    if _language.get() == DEFAULT:
        return str(amount)
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if not value.is_finite():
        return str(amount)
    locale = LOCALES[_language.get()]
    if isinstance(currency, str) and len(currency) == 3:
        return format_currency(value, currency.upper(), locale=locale)
    return format_decimal(value, format="#,##0.00", locale=locale)


def day(value: object) -> str:
    """A date of an ERP event ("2026-12-01") in the language being written in: Chinese
    "2026年12月1日"; English as the ERP wrote it. Anything not a date stays as it is."""
    if _language.get() == DEFAULT or not isinstance(value, str):
        return str(value)
    try:
        when = date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(when, "y年M月d日", locale=LOCALES[_language.get()])
