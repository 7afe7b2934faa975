"""The web chat endpoints of the gateway process, talking to a stand-in Rasa REST channel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from bot.assistant import NO_ANSWER, UNREACHABLE
from bot.relay import EXPIRED_BUTTON
from bot.web import CJK_FONT, CJK_FONT_PATH
from tests.bot.conftest import LONG_SKU, Gateway
from tests.bot.peers import RasaRest, served
from tests.live_server import free_port

STATIC = Path(__file__).resolve().parents[2] / "bot" / "static"


def say(browser: httpx.Client, **body: str) -> list[dict[str, Any]]:
    response = browser.post("/chat/messages", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def test_the_page_starts_a_signed_session_and_loads_nothing_from_elsewhere(
    rasa: RasaRest, gateway: Gateway
) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        page = browser.get("/")
        assert page.status_code == 200
        assert "chat_session" in page.cookies
        cookie_header = page.headers["set-cookie"].lower()
        assert "httponly" in cookie_header
        assert "samesite=lax" in cookie_header
        assert "default-src 'self'" in page.headers["content-security-policy"]
        for asset in ("/static/chat.js", "/static/chat.css"):
            assert browser.get(asset).status_code == 200
    for file in STATIC.iterdir():
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", file.read_text()), file.name


def test_the_page_serves_the_chinese_font_the_project_installs(
    rasa: RasaRest, gateway: Gateway
) -> None:
    """Noto Sans SC from the installed package, named in the page's stylesheet, so a browser
    without a Chinese font shows characters (tests/bot/test_page_language.py draws with it)."""
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        font = browser.get(CJK_FONT_PATH)
        assert font.status_code == 200
        assert font.headers["content-type"] == "font/otf"
        assert font.headers["cache-control"] == "public, max-age=604800"
        assert font.content == CJK_FONT.read_bytes()
        assert font.content.startswith(b"OTTO")  # OpenType (CFF outlines)
        assert f'url("{CJK_FONT_PATH}")' in browser.get("/static/chat.css").text


def test_each_browser_is_its_own_chat_and_keeps_it(rasa: RasaRest, gateway: Gateway) -> None:
    with (
        gateway(rasa.url) as url,
        httpx.Client(base_url=url) as first,
        httpx.Client(base_url=url) as second,
    ):
        assert say(first, text="hello") == [
            {"text": "Hi! What can I do for you?", "buttons": [], "image_url": None}
        ]
        say(first, text="again")
        say(second, text="hello")
    senders = [sender for sender, _ in rasa.received]
    assert all(re.fullmatch(r"web:[A-Za-z0-9_-]{20,}", sender) for sender in senders)
    assert senders[0] == senders[1] != senders[2]


def test_a_new_session_is_a_new_chat(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        say(browser, text="hello")
        started = browser.post("/chat/session", json={"new": True})
        assert started.status_code == 200
        say(browser, text="hello")
    first, second = (sender for sender, _ in rasa.received)
    assert started.json()["identity"] == second != first


def test_buttons_are_offered_and_only_offered_payloads_are_accepted(
    rasa: RasaRest, gateway: Gateway
) -> None:
    with (
        gateway(rasa.url) as url,
        httpx.Client(base_url=url) as browser,
        httpx.Client(base_url=url) as stranger,
    ):
        (preview,) = say(browser, text="order please")
        assert [button["title"] for button in preview["buttons"]] == [
            "Confirm",
            "Cancel",
            "Hex bolt, long",
        ]
        assert preview["buttons"][2]["payload"] == f'/inform{{"sku":"{LONG_SKU}"}}'
        # a payload this chat was never offered is refused and never reaches the assistant
        assert say(stranger, payload="/affirm")[0]["text"] == EXPIRED_BUTTON
        invented = '/approve_order{"order_number":"SO-2026-00001"}'
        assert say(browser, payload=invented)[0]["text"] == EXPIRED_BUTTON
        assert say(browser, payload="/affirm")[0]["text"] == "Order SO-2026-00042 is confirmed."
    assert [message for _, message in rasa.received] == ["order please", "/affirm"]


def test_typed_slash_commands_are_words_not_intents(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        say(browser, text='/approve_order{"order_number":"SO-2026-00001"}')
        say(browser, text="/start")
        say(browser, text="  where is SO-2026-00042?  ")
    assert [message for _, message in rasa.received] == [
        'approve_order{"order_number":"SO-2026-00001"}',
        "hello",
        "where is SO-2026-00042?",
    ]


def test_bad_messages_get_a_clear_error_and_reach_nobody(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url) as browser:
        bad_bodies: list[dict[str, Any]] = [
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            {"json": {}},
            {"json": {"text": "   "}},
            {"json": {"text": "hi", "payload": "/affirm"}},
            {"json": {"text": "x" * 2001}},
            {"json": {"text": 42}},
            {"json": ["hello"]},
        ]
        for body in bad_bodies:
            response = browser.post("/chat/messages", **body)
            assert response.status_code == 422, body
            assert response.json()["code"] == "VALIDATION_ERROR"
        # a form post from another site (no JSON) is refused the same way
        assert browser.post("/chat/messages", data={"text": "hello"}).status_code == 422
    assert rasa.received == []


def test_assistant_down_or_failing_is_said_plainly(gateway: Gateway) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    with gateway(nobody) as url, httpx.Client(base_url=url) as browser:
        assert say(browser, text="cancel SO-2026-00042") == [
            {"text": UNREACHABLE, "buttons": [], "image_url": None}
        ]

    def broken(sender: str, message: str) -> list[dict[str, Any]]:
        raise RuntimeError("the model failed")

    failing = RasaRest(broken)
    with (
        served(failing.app()) as rasa_url,
        gateway(rasa_url) as url,
        httpx.Client(base_url=url) as browser,
    ):
        (reply,) = say(browser, text="place 40 BOLT-M8")
    # reached but no answer: the turn may have run, so the user is not told nothing changed
    assert reply["text"] == NO_ANSWER
    assert "Nothing was changed" not in NO_ANSWER


def test_a_slow_assistant_is_given_up_on_politely(rasa: RasaRest, gateway: Gateway) -> None:
    rasa.delay_seconds = 3
    with (
        gateway(rasa.url, rasa_timeout_seconds="1") as url,
        httpx.Client(base_url=url, timeout=10) as browser,
    ):
        (reply,) = say(browser, text="hello")
    assert reply["text"] == NO_ANSWER


def test_the_event_stream_needs_a_session_and_then_opens(rasa: RasaRest, gateway: Gateway) -> None:
    """What the notifier pushes is tested with it; here the stream's door."""
    with gateway(rasa.url) as url, httpx.Client(base_url=url, timeout=10) as browser:
        no_session = httpx.get(url + "/chat/events")
        assert no_session.status_code == 401  # no session, no stream
        assert no_session.json()["code"] == "NO_SESSION"
        browser.get("/")
        with browser.stream("GET", "/chat/events") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            assert next(stream.iter_lines()) == ": connected"


def test_new_chats_and_messages_are_rate_limited(rasa: RasaRest, gateway: Gateway) -> None:
    """A new chat is a fresh set of link-code guesses, so new chats per address are limited,
    and messages per chat."""
    limits = {"gateway_sessions_per_hour": "3", "gateway_messages_per_minute": "4"}
    with gateway(rasa.url, **limits) as url, httpx.Client(base_url=url) as browser:
        say(browser, text="link 000000")  # the first new chat from this address
        assert [httpx.get(url + "/").status_code for _ in range(2)] == [200, 200]
        refused = browser.post("/chat/session", json={"new": True})  # a fourth new chat
        assert refused.status_code == 429
        assert refused.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert httpx.get(url + "/").status_code == 429
        assert httpx.post(url + "/chat/messages", json={"text": "link 999999"}).status_code == 429
        for attempt in range(1, 4):  # the refused browser keeps its chat, up to 4 messages
            say(browser, text=f"link 00000{attempt}")
        too_many = browser.post("/chat/messages", json={"text": "link 000004"})
        assert too_many.status_code == 429
        assert 1 <= int(too_many.headers["retry-after"]) <= 60
    assert [message for _, message in rasa.received] == [f"link 00000{n}" for n in range(4)]
    assert len({sender for sender, _ in rasa.received}) == 1
