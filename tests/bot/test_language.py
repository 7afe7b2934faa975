"""Choosing the reply language per message (bot/language.py). Examples of our own; the blind
figure is bench/language_choice.py on tests/language/."""

from __future__ import annotations

import pytest

from bot.language import choose, from_locale, next_language


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
    ["SO-2026-00107", "so-2026-107", "25 BOLT-M10", "731904", "OK", "👌", "/help", "x 20", "KPI"],
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
