"""The chat's language in the actions: which one this turn is in, and the words in it.

The gateway chooses the language of each turn (bot/language.py) and sends it in the turn's
metadata. Here it becomes
- the `language` slot (set right after each user message, by `action_validate_slot_mappings`
  below), on which the domain's responses have their Chinese
  variations (a `condition` on the slot): those messages live in the domain, both languages
  side by side;
- the language of the action that runs (`speaking`), in which the texts the actions compose
  are looked up in the gettext catalogue `actions/locale/<language>/LC_MESSAGES/messages.po`
  (`_`: the English text is the message id, its translation is beside it in the catalogue),
  and money and dates are formatted (actions/formatting.py, Babel's locale for the language).

A text not in the catalogue stays English; tests/actions/test_i18n.py holds the catalogue
complete for every `_()` in the actions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

LANGUAGES = ("en", "zh")
DEFAULT = "en"
# Babel's locale for each language: the formats of money and dates
LOCALES = {"en": "en_GB", "zh": "zh_CN"}
CATALOGUES = Path(__file__).parent / "locale"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


def turn_language(tracker: Tracker) -> str:
    """The language the gateway chose for the latest user message (English when none)."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return language if language in LANGUAGES else DEFAULT


def current() -> str:
    """The language of the action running now."""
    return _language.get()


def locale() -> str:
    """Babel's locale for the language of the action running now."""
    return LOCALES[_language.get()]


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Run the enclosed work in `language` (English for an unknown one)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT)
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
    """Marks an English text for the catalogue where it is defined (a table of words) and
    leaves it English: `_()` translates it where it is used."""
    return message


def _(message: str) -> str:
    """`message` (English) in the language of the action running now."""
    language = _language.get()
    if language == DEFAULT:
        return message
    return catalogue(language).get(message, message)


def titled(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    """Buttons a table defines (titles marked with `N_()`) with their titles in the language
    of the action running now; the payloads stay as they are, the words the bot reads."""
    translated = []
    for button in buttons:
        title = button["title"]
        translated.append({**button, "title": _(title)})
    return translated


class LanguageOfTheTurn(Action):
    """`action_validate_slot_mappings`, which Rasa runs after each user message before any
    other action (its global slot extraction): sets the `language` slot from the turn's
    metadata, so the responses of the whole turn are in that language. Only that: no other
    slot has a global custom mapping."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet("language", turn_language(tracker))]
