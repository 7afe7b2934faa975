"""`GET /metrics` on the gateway: names, labels, and counters that move with turns."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.bot.conftest import TOKEN, Gateway
from tests.bot.peers import BotApi, RasaRest
from tests.prometheus import Scrape, read

CHAT = 555777
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Mo"}
USER = {"id": CHAT, "is_bot": False, "first_name": "Mo"}


@pytest.fixture
def gateway_url(rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> Iterator[str]:
    settings = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": f"{bot_api.url}/bot",
        "rasa_timeout_seconds": "1",
    }
    with gateway(rasa.url, **settings) as url:
        bot_api.wait_for("getUpdates")
        yield url


def scrape(url: str) -> Scrape:
    return read(httpx.get(f"{url}/metrics"))


def test_the_gateway_counts_turns_failures_and_sends(
    gateway_url: str, rasa: RasaRest, bot_api: BotApi
) -> None:
    before = scrape(gateway_url)
    assert before.types == {
        "gateway_http_requests_total": "counter",
        "gateway_http_request_duration_seconds": "histogram",
        "gateway_turns_total": "counter",
        "gateway_rasa_failures_total": "counter",
        "gateway_telegram_sends_total": "counter",
        "gateway_notices_told_total": "counter",
    }
    with httpx.Client(base_url=gateway_url, timeout=30) as browser:
        assert browser.post("/chat/messages", json={"text": "hello"}).status_code == 200
        rasa.delay_seconds = 2  # longer than the gateway waits: no answer
        assert browser.post("/chat/messages", json={"text": "hello"}).status_code == 200
        rasa.delay_seconds = 0
    message = {"message_id": 1, "date": int(time.time()), "chat": PRIVATE, "from": USER}
    bot_api.push({"message": {**message, "text": "hello"}})
    bot_api.wait_for("sendMessage", chat_id=CHAT)
    time.sleep(0.2)
    after = scrape(gateway_url)

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved("gateway_turns_total", channel="web") == 2
    assert moved("gateway_turns_total", channel="telegram") == 1
    assert moved("gateway_rasa_failures_total", kind="no_answer") == 1
    assert moved("gateway_telegram_sends_total", outcome="ok") == 1
    requests = "gateway_http_requests_total"
    assert moved(requests, method="POST", route="/chat/messages", status="200") == 2
    count = "gateway_http_request_duration_seconds_count"
    assert moved(count, method="POST", route="/chat/messages") == 2
    assert moved(requests, method="GET", route="/metrics", status="200") == 1
    # chats are not labels: nothing identifies a user in the scrape
    assert str(CHAT) not in httpx.get(f"{gateway_url}/metrics").text
