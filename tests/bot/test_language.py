"""Choosing the reply language per message (bot/language.py). Examples of our own; the blind
figure is bench/language_choice.py on tests/language/."""

from __future__ import annotations

import httpx
import pytest

from bot.language import choose, from_locale, next_language
from tests.bot.conftest import TOKEN, Gateway
from tests.bot.peers import BotApi, RasaRest, said_in_private


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("帮我看下SO-2026-00107发货没", "zh"),
        ("訂單SO-2026-00107出貨了嗎", "zh"),  # Traditional characters: Chinese
        ("来五十个M10螺母", "zh"),
        ("could you check SO-2026-00107 for me", "en"),
        ("can i get 30 of the 10mm anchors", "en"),
        ("baker and sons那张单改一下", "zh"),  # an English name inside Chinese grammar
        ("帮我cancel那个order", "zh"),
        ("is the 扎带 in stock", "en"),  # a Chinese noun inside English grammar
        ("we need it by friday, 谢谢", "en"),
    ],
)
def test_the_language_with_the_grammar_is_chosen(text: str, language: str) -> None:
    assert choose(text).language == language
    assert not choose(text).asked


@pytest.mark.parametrize(
    "text",
    [
        "SO-2026-00107",
        "so-2026-107",
        "25 BOLT-M10",
        "731904",
        "OK",
        "👌",
        "/help",
        "x 20",
        "KPI",
        "link 482913",  # the Chinese replies tell people to send it as it is
        "Link 482913",
    ],
)
def test_a_message_without_words_keeps_the_chats_language(text: str) -> None:
    assert choose(text).language is None
    assert next_language("zh", text) == "zh"
    assert next_language("en", text) == "en"
    assert next_language(None, text) == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("请用中文回答", "zh"),
        ("講中文", "zh"),
        ("reply in chinese please", "zh"),
        ("能用英文吗", "en"),
        ("switch to english", "en"),
        ("english pls", "en"),
    ],
)
def test_asking_for_a_language_chooses_it(text: str, language: str) -> None:
    chosen = choose(text)
    assert (chosen.language, chosen.asked) == (language, True)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Do you have the safety manual in Chinese?", "en"),
        ("we use chinese suppliers", "en"),
        ("我们用英文发票", "zh"),
        ("英文名字是什么", "zh"),
    ],
)
def test_naming_a_language_is_not_asking_for_it(text: str, language: str) -> None:
    chosen = choose(text)
    assert (chosen.language, chosen.asked) == (language, False)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh-hans", "zh"),
        ("zh-TW", "zh"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", None),
        ("", None),
        (None, None),
    ],
)
def test_a_first_guess_from_the_clients_locale(code: str | None, language: str | None) -> None:
    assert from_locale(code) == language


# -- the chat's language, through the gateway process --------------------------------------------


def test_the_chats_language_goes_with_each_turn(rasa: RasaRest, gateway: Gateway) -> None:
    """First guess from the browser's Accept-Language; then each message's own language; a
    message without words keeps it; a language asked for is the chat's from then on."""
    chinese_browser = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    said = [
        ("SO-2026-00107", "zh"),  # neutral: the browser's guess
        ("where is my order", "en"),
        ("40 BOLT-M8", "en"),  # neutral: kept
        ("订单到哪了", "zh"),
        ("731904", "zh"),
        ("English please", "en"),  # asked for, in English
        ("SO-2026-00107", "en"),
        ("can you speak chinese", "zh"),  # asked for, in English words
        ("25 BOLT-M10", "zh"),
        ("where is my order", "en"),  # a message in the other language: that language
    ]
    with gateway(rasa.url) as url, httpx.Client(base_url=url, headers=chinese_browser) as browser:
        for text, _ in said:
            assert browser.post("/chat/messages", json={"text": text}).status_code == 200
    assert [meta["language"] for meta in rasa.metadata] == [language for _, language in said]


def test_telegrams_language_code_is_the_first_guess(
    rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    settings = {"telegram_bot_token": TOKEN, "telegram_api_url": f"{bot_api.url}/bot"}
    with gateway(rasa.url, **settings):
        update = said_in_private(740001, "SO-2026-00107", language_code="zh-hans")
        bot_api.push(update)
        bot_api.wait_for("sendMessage", chat_id=740001)
    assert [meta["language"] for meta in rasa.metadata] == ["zh"]
