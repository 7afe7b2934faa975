"""The gateway's doors (issue 20): one-tap links, cross-site requests, new chats, forwarded
addresses. The gateway runs as its own process (`python -m bot`) in front of a stand-in
assistant, and, for links, a real seeded ERP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.linking import NOT_VALID
from tests.bot.conftest import TOKEN, Gateway
from tests.bot.peers import BotApi, RasaRest, said_in_private
from tests.product import RunningErp, seeded_erp

TELEGRAM_CHAT = 730001


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningErp]:
    with seeded_erp(tmp_path_factory.mktemp("erp")) as running:
        yield running


def one_tap_link(erp: RunningErp, customer_code: str) -> dict[str, Any]:
    with erp.as_manager() as manager:
        created = manager.post("/identity/link-codes", json={"customer_code": customer_code})
        created.raise_for_status()
        issued: dict[str, Any] = created.json()
        return issued


def linked_to(erp: RunningErp, chat: str) -> str | None:
    me = httpx.get(
        f"{erp.url}/api/v1/identity/me",
        headers={"Authorization": f"Bearer {erp.service_key}", "X-Chat-Identity": chat},
    ).json()
    code: str | None = me["customer_code"]
    return code


# -- one-tap links ------------------------------------------------------------------------------


def test_a_telegram_deep_link_links_the_chat_without_the_assistant(
    erp: RunningErp, rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    token = one_tap_link(erp, "CUST-0007")["token"]
    settings = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": f"{bot_api.url}/bot",
        "erp_url": erp.url,
        "erp_service_key": erp.service_key,
    }
    with gateway(rasa.url, **settings):
        bot_api.push(said_in_private(TELEGRAM_CHAT, f"/start {token}"))
        bot_api.wait_for("sendMessage", chat_id=TELEGRAM_CHAT)
        (answer,) = bot_api.texts_to(TELEGRAM_CHAT)
        assert answer.startswith("Done: this chat is now linked to")
        assert "CUST-0007" in answer
        bot_api.push(said_in_private(TELEGRAM_CHAT + 1, f"/start {token}"))  # used: no second chat
        bot_api.wait_for("sendMessage", chat_id=TELEGRAM_CHAT + 1)
        assert bot_api.texts_to(TELEGRAM_CHAT + 1) == [NOT_VALID]
    assert linked_to(erp, f"telegram:{TELEGRAM_CHAT}") == "CUST-0007"
    assert linked_to(erp, f"telegram:{TELEGRAM_CHAT + 1}") is None
    assert rasa.received == []  # the token never reached the assistant


def test_the_web_page_links_by_token_only_when_its_own_page_asks(
    erp: RunningErp, rasa: RasaRest, gateway: Gateway
) -> None:
    issued = one_tap_link(erp, "CUST-0008")
    with (
        gateway(rasa.url, erp_url=erp.url, erp_service_key=erp.service_key) as url,
        httpx.Client(base_url=url, timeout=30) as browser,
    ):
        page = browser.get("/")  # /#link=<token>: the fragment stays in the browser
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        chat = browser.post("/chat/session", headers={"Origin": url}).json()["identity"]
        assert linked_to(erp, chat) is None  # opening the page links nothing
        forged = browser.post(
            "/chat/link", json={"token": issued["token"]}, headers={"Origin": "https://evil.test"}
        )
        assert (forged.status_code, forged.json()["code"]) == (403, "CROSS_SITE_REQUEST")
        assert linked_to(erp, chat) is None
        done = browser.post("/chat/link", json={"token": issued["token"]}, headers={"Origin": url})
        assert done.status_code == 200
        assert "CUST-0008" in done.json()["replies"][0]["text"]
        assert linked_to(erp, chat) == "CUST-0008"
        # someone else's link, sent to this linked chat, does not move it
        theirs = one_tap_link(erp, "CUST-0009")["token"]
        kept = browser.post("/chat/link", json={"token": theirs}, headers={"Origin": url})
        assert kept.json()["replies"][0]["text"].startswith("This chat is already linked")
        assert linked_to(erp, chat) == "CUST-0008"


# -- cross-site requests ------------------------------------------------------------------------


def test_another_site_can_neither_post_nor_replace_a_chat(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url, timeout=30) as victim:
        assert victim.get("/").status_code == 200
        mine = victim.post("/chat/session", headers={"Origin": url}).json()["identity"]
        evil = {"Origin": "https://evil.test"}
        # an auto-submitted form (no JSON) and a JSON post, both from another site
        form = victim.post("/chat/session", data={"new": "true"}, headers=evil)
        posted = victim.post("/chat/messages", json={"text": "/deny"}, headers=evil)
        sniffed = victim.post(
            "/chat/session", json={"new": True}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        sandboxed = victim.post("/chat/messages", json={"text": "hi"}, headers={"Origin": "null"})
        for refused in (form, posted, sniffed, sandboxed):
            assert refused.status_code == 403
            assert refused.json()["code"] == "CROSS_SITE_REQUEST"
        # the chat is the same one, and nothing reached the assistant
        still = victim.post("/chat/session", headers={"Origin": url}).json()["identity"]
        assert still == mine
        assert rasa.received == []
        # the page's own requests work, from the page's origin or with no browser headers
        assert victim.post("/chat/messages", json={"text": "hello"}, headers={"Origin": url})
        assert victim.post("/chat/messages", json={"text": "again"}).status_code == 200
    assert [message for _, message in rasa.received] == ["hello", "again"]


def test_a_chat_is_replaced_only_when_its_page_asks(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(rasa.url) as url, httpx.Client(base_url=url, timeout=30) as browser:
        first = browser.post("/chat/session", headers={"Origin": url}).json()["identity"]
        kept = browser.post("/chat/session", json={}, headers={"Origin": url}).json()
        assert kept["identity"] == first
        new = browser.post("/chat/session", json={"new": True}, headers={"Origin": url}).json()
        assert new["identity"] != first


def test_embedding_the_page_elsewhere_uses_up_no_new_chats(
    rasa: RasaRest, gateway: Gateway
) -> None:
    """Another site's <img src> or <iframe> pointing at the page (cookie-less: SameSite=Lax)
    would otherwise start a new chat each time, until the address got 429 for an hour."""
    with gateway(rasa.url, gateway_sessions_per_hour="2") as url:
        for destination in ("image", "iframe", "image", "script", "image"):
            embedded = httpx.get(url + "/", headers={"Sec-Fetch-Dest": destination})
            assert embedded.status_code == 200
            assert "chat_session" not in embedded.cookies
        opened = httpx.get(url + "/", headers={"Sec-Fetch-Dest": "document"})
        assert opened.status_code == 200
        assert "chat_session" in opened.cookies


def test_a_forwarded_address_from_anyone_is_not_believed(rasa: RasaRest, gateway: Gateway) -> None:
    """Without configured proxies, X-Forwarded-For naming a new address each time is no fresh
    quota of new chats."""
    with gateway(rasa.url, gateway_sessions_per_hour="3") as url:
        answers = [
            httpx.get(url + "/", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(1, 6)
        ]
    assert answers == [200, 200, 200, 429, 429]


def test_a_configured_proxy_is_believed(rasa: RasaRest, gateway: Gateway) -> None:
    with gateway(
        rasa.url, gateway_sessions_per_hour="3", gateway_trusted_proxies="127.0.0.1"
    ) as url:
        answers = [
            httpx.get(url + "/", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(1, 6)
        ]
    assert answers == [200] * 5
