"""The web chat page's own words (bot/static/index.html and chat.js), in the chat's language.

The page's texts are English here, marked for the gateway's catalogue (bot/i18n.py) like every
other text the gateway writes. `GET /` serves bot/static/index.html filled in the chat's
language (the one it speaks, else the browser's Accept-Language), with the texts of every
language in a JSON data block (`<script type="application/json" id="page-texts">`, not run, so
the page's Content-Security-Policy allows it). Each answer of the chat's endpoints names the
chat's language (`"language"`), and chat.js puts its texts in that language when it changes:
the page follows the chat, the server decides (docs/chinese.md).
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path

from bot.i18n import HTML_LANG, LANGUAGES, N_, known, translated

TEMPLATE = Path(__file__).parent / "static" / "index.html"

# name -> text; `{{name}}` in index.html, `data-text="name"` (or data-text-placeholder,
# data-text-aria-label) where chat.js puts it, t("name") in chat.js
TEXTS = {
    "title": N_("Order desk assistant"),
    "chat": N_("Chat with the order desk assistant"),
    # {help} is the word to type, shown as a key (<kbd>)
    "intro": N_("Orders, deliveries, invoices. Type {help} to see what I can do."),
    "help": N_("help"),
    "typing": N_("The assistant is typing"),
    "your_message": N_("Your message"),
    "placeholder": N_("Type a message, e.g. where is SO-2026-00042?"),
    "send": N_("Send"),
    "chart": N_("chart"),
    "download": N_("Download {name}"),
    "not_sent": N_("Sorry, that message could not be sent."),
    "unreachable": N_(
        "Sorry, I couldn't reach the assistant. Please check your connection and try again "
        "in a minute."
    ),
    "link_offer": N_("You opened a sign-in link. Link this chat to the account it was sent for?"),
    "link_yes": N_("Link this chat"),
    "link_no": N_("Not now"),
    "not_linked": N_("Sorry, this chat could not be linked."),
    "link_unreachable": N_(
        "Sorry, I couldn't reach the assistant. Please open the link again in a minute."
    ),
}


def texts(language: str) -> dict[str, str]:
    """The page's texts in `language`."""
    return {name: translated(text, language) for name, text in TEXTS.items()}


def for_the_script() -> str:
    """Every language's texts, as JSON that cannot end the data block it sits in."""
    data = {
        "languages": {language: HTML_LANG[language] for language in LANGUAGES},
        "texts": {language: texts(language) for language in LANGUAGES},
    }
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def page(language: str) -> str:
    """index.html in `language`: its texts filled in, `<html lang>` set."""
    language = known(language)
    html = TEMPLATE.read_text(encoding="utf-8")
    words = texts(language)
    intro = escape(words.pop("intro")).replace("{help}", f"<kbd>{escape(words['help'])}</kbd>")
    html = html.replace("{{intro}}", intro)
    for name, text in words.items():
        html = html.replace("{{" + name + "}}", escape(text))
    html = html.replace("{{language}}", language).replace("{{lang}}", HTML_LANG[language])
    return html.replace("{{texts}}", for_the_script())
