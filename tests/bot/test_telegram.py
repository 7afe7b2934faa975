"""Telegram through the real Bot API protocol: PTB in the gateway process talks to a local Bot
API server (tests/bot/peers.py) that serves getUpdates and records what the bot sends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.relay import EXPIRED_BUTTON
from bot.telegram import EDITED, ONLY_PRIVATE, ONLY_TEXT
from tests.bot.conftest import LONG_SKU, TOKEN, WEBHOOK_SECRET, Gateway
from tests.bot.peers import BotApi, RasaRest

CHAT = 555001
USER = {"id": CHAT, "is_bot": False, "first_name": "Dana"}
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Dana"}
GROUP_ID = -100777
GROUP = {"id": GROUP_ID, "type": "group", "title": "Purchasing team"}
_message_ids = iter(range(1, 10_000))


def message(chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": USER,
        **content,
    }


def text(words: str, chat: dict[str, Any] = PRIVATE) -> dict[str, Any]:
    return {"message": message(chat, text=words)}


def press(data: str, shown: dict[str, Any]) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": f"cq{next(_message_ids)}",
            "from": USER,
            "chat_instance": "ci1",
            "data": data,
            "message": message(text=shown.get("text", "")),
        }
    }


@pytest.fixture
def polling(rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> Iterator[BotApi]:
    settings = {"telegram_bot_token": TOKEN, "telegram_api_url": f"{bot_api.url}/bot"}
    with gateway(rasa.url, **settings):
        bot_api.wait_for("getUpdates")  # polling has started
        yield bot_api


def test_a_message_goes_to_the_assistant_and_its_buttons_come_back(
    rasa: RasaRest, polling: BotApi
) -> None:
    polling.push(text("order please"))
    (sent,) = polling.wait_for("sendMessage")
    assert rasa.received == [(f"telegram:{CHAT}", "order please")]
    assert sent["text"] == "40 x BOLT-M8, total 12.00. Place it?"
    assert str(sent["chat_id"]) == str(CHAT)
    keys = [key for row in sent["reply_markup"]["inline_keyboard"] for key in row]
    assert [key["text"] for key in keys] == ["Confirm", "Cancel", "Hex bolt, long"]
    # callback data is a short token (Telegram allows 64 bytes), never the payload itself
    assert all(len(key["callback_data"].encode()) <= 64 for key in keys)
    assert LONG_SKU not in str(keys)
    assert polling.made("sendChatAction")[0]["action"] == "typing"

    polling.push(press(keys[2]["callback_data"], sent))
    polling.wait_for("sendMessage", 2)
    assert len(polling.made("answerCallbackQuery")) == 1
    assert polling.made("editMessageReplyMarkup")  # the buttons of the question are removed
    assert rasa.received[-1] == (f"telegram:{CHAT}", f'/inform{{"sku":"{LONG_SKU}"}}')


def test_a_button_press_is_answered_even_when_the_button_is_unknown(
    rasa: RasaRest, polling: BotApi
) -> None:
    polling.push(press("not-a-token", {"text": "old question"}))
    (sent,) = polling.wait_for("sendMessage")
    assert sent["text"] == EXPIRED_BUTTON
    assert len(polling.made("answerCallbackQuery")) == 1
    assert rasa.received == []


def test_what_is_not_text_gets_a_polite_word_and_groups_are_left_alone(
    rasa: RasaRest, polling: BotApi
) -> None:
    photo = [{"file_id": "f1", "file_unique_id": "u1", "width": 90, "height": 90}]
    sticker = {
        "file_id": "s1",
        "file_unique_id": "su1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    others = [
        {"message": message(photo=photo)},
        {"message": message(sticker=sticker)},
        {"message": message(voice={"file_id": "v1", "file_unique_id": "vu1", "duration": 2})},
        {"message": message(location={"latitude": 51.5, "longitude": -0.12})},
    ]
    for update in others:
        polling.push(update)
    replies = polling.wait_for("sendMessage", len(others))
    assert [reply["text"] for reply in replies] == [ONLY_TEXT] * len(others)

    polling.push({"edited_message": message(text="40 BOLT-M8", edit_date=int(time.time()))})
    assert polling.wait_for("sendMessage", len(others) + 1)[-1]["text"] == EDITED

    polling.push(text("what's our balance?", chat=GROUP))  # not addressed to the bot: ignored
    polling.push(text("@order_desk_bot where is SO-2026-00042?", chat=GROUP))
    group_replies = polling.wait_for("sendMessage", chat_id=GROUP_ID)
    assert [reply["text"] for reply in group_replies] == [ONLY_PRIVATE]
    time.sleep(0.5)
    assert len(polling.made("sendMessage")) == len(others) + 2
    assert rasa.received == []


def test_a_long_reply_is_split_below_telegrams_limit(rasa: RasaRest, polling: BotApi) -> None:
    polling.push(text("long please"))
    (expected,) = [item["text"] for item in rasa.script("x", "long please")]
    polling.wait_for("sendMessage", 3)
    time.sleep(0.3)
    parts = [part["text"] for part in polling.made("sendMessage")]
    assert len(parts) == 3
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == expected.rstrip()  # cut at line ends, nothing lost


def test_flood_control_is_waited_out(rasa: RasaRest, polling: BotApi) -> None:
    polling.flood["sendMessage"] = 1  # the first attempt answers 429, retry_after 1 s
    started = time.monotonic()
    polling.push(text("hello"))
    attempts = polling.wait_for("sendMessage", 2)
    assert time.monotonic() - started >= 1.0
    assert [attempt["text"] for attempt in attempts] == ["Hi! What can I do for you?"] * 2


def test_the_same_update_twice_is_handled_once(rasa: RasaRest, polling: BotApi) -> None:
    update = polling.push(text("hello"))
    polling.wait_for("sendMessage")
    polling.push(update)  # Telegram re-sends what it thinks was not delivered
    polling.push(text("again"))
    polling.wait_for("sendMessage", 2)
    assert [message for _, message in rasa.received] == ["hello", "again"]


@pytest.fixture
def webhook(rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> Iterator[str]:
    settings = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": f"{bot_api.url}/bot",
        "telegram_webhook_url": "https://chat.example.com/telegram/webhook",
        "telegram_webhook_secret": WEBHOOK_SECRET,
    }
    with gateway(rasa.url, **settings) as url:
        bot_api.wait_for("setWebhook")
        yield url


def test_webhook_mode_registers_and_checks_the_secret(
    rasa: RasaRest, bot_api: BotApi, webhook: str
) -> None:
    (registered,) = bot_api.made("setWebhook")
    assert registered["url"] == "https://chat.example.com/telegram/webhook"
    assert registered["secret_token"] == WEBHOOK_SECRET
    assert bot_api.made("getUpdates") == []  # no polling in webhook mode

    endpoint = webhook + "/telegram/webhook"
    update = {"update_id": 9001, **text("hello")}
    header = "X-Telegram-Bot-Api-Secret-Token"
    assert httpx.post(endpoint, json=update).status_code == 401
    assert httpx.post(endpoint, json=update, headers={header: "wrong"}).status_code == 401
    good = {header: WEBHOOK_SECRET}
    assert (
        httpx.post(
            endpoint, content=b"{oops", headers={**good, "content-type": "application/json"}
        ).status_code
        == 400
    )
    assert httpx.post(endpoint, json={"no": "update id"}, headers=good).status_code == 400
    huge = {"update_id": 9002, **text("x" * 1_100_000)}
    assert httpx.post(endpoint, json=huge, headers=good).status_code == 413
    assert rasa.received == []

    assert httpx.post(endpoint, json=update, headers=good).status_code == 200
    assert httpx.post(endpoint, json=update, headers=good).status_code == 200  # a re-send
    bot_api.wait_for("sendMessage")
    time.sleep(0.5)
    assert rasa.received == [(f"telegram:{CHAT}", "hello")]
    assert len(bot_api.made("sendMessage")) == 1
