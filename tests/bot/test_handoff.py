"""Human handoff: a chat that asks for a person goes to the staff chat on Telegram, staff
answer by replying there, and the assistant stays quiet until they release the chat or it
has been quiet too long."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.handoff import BACK_AFTER_SILENCE, NO_STAFF, RELEASED
from tests.bot.conftest import TOKEN, Gateway, pushed
from tests.bot.peers import BOT_USER, BotApi, RasaRest
from tests.bot.test_telegram import CHAT, text

STAFF_CHAT = -100555
STAFF_GROUP = {"id": STAFF_CHAT, "type": "supergroup", "title": "Order desk team"}
STAFF_USER = {"id": 9001, "is_bot": False, "first_name": "Maria"}
_ids = iter(range(50_000, 60_000))


def staff_says(words: str, replying_to: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": STAFF_GROUP,
        "from": STAFF_USER,
        "text": words,
    }
    if replying_to is not None:
        message["reply_to_message"] = {**replying_to, "chat": STAFF_GROUP, "from": BOT_USER}
    return {"message": message}


def staffed(gateway: Gateway, rasa: RasaRest, bot_api: BotApi, **settings: str) -> Any:
    return gateway(
        rasa.url,
        telegram_bot_token=TOKEN,
        telegram_api_url=f"{bot_api.url}/bot",
        staff_telegram_chat_id=str(STAFF_CHAT),
        **settings,
    )


@pytest.fixture
def desk(rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> Iterator[str]:
    with staffed(gateway, rasa, bot_api) as url:
        bot_api.wait_for("getUpdates")
        yield url


def test_a_telegram_chat_goes_to_the_staff_and_comes_back(
    rasa: RasaRest, bot_api: BotApi, desk: str
) -> None:
    bot_api.push(text("hello"))
    bot_api.wait_for("sendMessage", chat_id=CHAT)
    bot_api.push(text("talk to a person"))
    (handed,) = bot_api.wait_for("sendMessage", chat_id=STAFF_CHAT)
    assert f"telegram:{CHAT} asks for a person" in handed["text"]
    assert "Them: hello\nBot: Hi! What can I do for you?\nThem: talk to a person" in handed["text"]
    bot_api.wait_for("sendMessage", 2, chat_id=CHAT)  # the staff may hear of it first
    assert "person on our team" in bot_api.texts_to(CHAT)[-1]

    # the chat is with a person now: its messages go to the staff chat, not the assistant
    bot_api.push(text("my delivery arrived damaged"))
    bot_api.wait_for("sendMessage", 2, chat_id=STAFF_CHAT)
    forwarded = bot_api.sent_to(STAFF_CHAT)[-1]
    assert forwarded["text"] == f"telegram:{CHAT}: my delivery arrived damaged"
    assert "my delivery arrived damaged" not in rasa.messages_from(f"telegram:{CHAT}")

    # staff answer by replying to it; the customer reads it with the staff member's name
    bot_api.push(staff_says("Sorry about that, a new one ships today.", replying_to=forwarded))
    bot_api.wait_for("sendMessage", 3, chat_id=CHAT)
    assert bot_api.texts_to(CHAT)[-1] == "Maria: Sorry about that, a new one ships today."

    # ... and hand the chat back
    bot_api.push(staff_says("/release", replying_to=forwarded))
    bot_api.wait_for("sendMessage", 4, chat_id=CHAT)
    assert bot_api.texts_to(CHAT)[-1] == RELEASED
    bot_api.wait_for("sendMessage", 3, chat_id=STAFF_CHAT)
    assert bot_api.texts_to(STAFF_CHAT)[-1] == f"telegram:{CHAT} is back with the assistant."
    bot_api.push(text("hello again"))
    bot_api.wait_for("sendMessage", 5, chat_id=CHAT)
    assert rasa.messages_from(f"telegram:{CHAT}") == ["hello", "talk to a person", "hello again"]

    # a reply to anything else in the staff chat is explained, not sent anywhere
    bot_api.push(staff_says("who is this?", replying_to={"message_id": 1, "date": 0}))
    bot_api.wait_for("sendMessage", 4, chat_id=STAFF_CHAT)
    assert "not from a customer's chat" in bot_api.texts_to(STAFF_CHAT)[-1]
    # and a reply to a chat that is back with the assistant does not reach it
    bot_api.push(staff_says("one more thing", replying_to=forwarded))
    bot_api.wait_for("sendMessage", 5, chat_id=STAFF_CHAT)
    assert "not passed on" in bot_api.texts_to(STAFF_CHAT)[-1]
    assert len(bot_api.texts_to(CHAT)) == 5


def test_a_quiet_handoff_ends_by_itself(rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> None:
    with staffed(gateway, rasa, bot_api, handoff_timeout_minutes="0.01"):
        bot_api.push(text("talk to a person"))
        bot_api.wait_for("sendMessage", chat_id=STAFF_CHAT)
        time.sleep(1.5)  # longer than the 0.6 s allowed
        bot_api.push(text("hello"))
        bot_api.wait_for("sendMessage", 3, chat_id=CHAT)
    assert bot_api.texts_to(CHAT)[1:] == [BACK_AFTER_SILENCE, "Hi! What can I do for you?"]
    assert rasa.messages_from(f"telegram:{CHAT}") == ["talk to a person", "hello"]
    assert "quiet too long" in bot_api.texts_to(STAFF_CHAT)[-1]


def test_a_web_chat_is_answered_by_staff(rasa: RasaRest, bot_api: BotApi, desk: str) -> None:
    with httpx.Client(base_url=desk, timeout=30) as browser:
        browser.get("/")
        identity = browser.post("/chat/session").json()["identity"]
        asked = browser.post("/chat/messages", json={"text": "talk to a person"}).json()
        assert [reply["text"] for reply in asked["replies"]] == [
            "I'm passing you to a person on our team; they'll answer here shortly."
        ]
        bot_api.wait_for("sendMessage", chat_id=STAFF_CHAT)
        quiet = browser.post("/chat/messages", json={"text": "is anyone there?"}).json()
        assert quiet["replies"] == []  # a person answers, not the assistant
        bot_api.wait_for("sendMessage", 2, chat_id=STAFF_CHAT)
        forwarded = bot_api.sent_to(STAFF_CHAT)[-1]
        assert forwarded["text"] == f"{identity}: is anyone there?"
        bot_api.push(staff_says("Yes, Maria here. How can I help?", replying_to=forwarded))
        assert pushed(browser)["text"] == "Maria: Yes, Maria here. How can I help?"
    assert rasa.messages_from(identity) == ["talk to a person"]


def test_without_a_staff_chat_the_assistant_keeps_the_chat(
    rasa: RasaRest, gateway: Gateway
) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        browser.get("/")
        asked = browser.post("/chat/messages", json={"text": "talk to a person"}).json()
        assert asked["replies"][-1]["text"] == NO_STAFF
        again = browser.post("/chat/messages", json={"text": "hello"}).json()
        assert again["replies"][0]["text"] == "Hi! What can I do for you?"
