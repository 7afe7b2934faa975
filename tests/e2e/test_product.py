"""The whole product: ERP, action server, Rasa (the trained model) and the gateway, each its
own process as `make run` starts them, spoken to through the gateway's web chat endpoint."""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.assistant import UNREACHABLE
from bot.handoff import NO_STAFF
from tests.bot.conftest import pushed
from tests.whole_product import Product

NUMBER = re.compile(r"SO-\d{4}-\d{5}")


def say(browser: httpx.Client, **body: str) -> list[dict[str, Any]]:
    response = browser.post("/chat/messages", json=body, timeout=90)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply["text"] for reply in replies)


def button(replies: list[dict[str, Any]], title: str) -> str:
    for reply in replies:
        for offered in reply["buttons"]:
            if offered["title"].startswith(title):
                payload: str = offered["payload"]
                return payload
    raise AssertionError(f"no button {title!r} in {replies}")


def test_a_customer_orders_by_web_chat_and_an_erp_outage_is_said_plainly(
    product: Product,
) -> None:
    with httpx.Client(base_url=product.gateway_url) as browser:
        browser.get("/")
        code = product.erp.link_code("CUST-0004")
        assert "now linked" in text_of(say(browser, text=f"link {code}"))

        with product.erp.as_manager() as manager:
            existing = manager.get("/orders", params={"customer_code": "CUST-0004"}).json()
        known = existing["items"][0]["number"]
        assert known in text_of(say(browser, text=f"where is {known}?"))

        replies = say(browser, text="I'd like to order 40 BOLT-M8 by Friday")
        replies = say(browser, payload=button(replies, "Yes"))  # the usual address
        preview = text_of(replies)
        assert "40 x BOLT-M8" in preview
        number = NUMBER.search(preview)
        assert number is not None
        replies = say(browser, payload=button(replies, "Confirm"))
        assert f"Order {number.group()} is confirmed" in text_of(replies)

        with product.erp.as_manager() as manager:
            order = manager.get(f"/orders/{number.group()}").json()
        assert order["status"] == "confirmed"
        assert order["customer_code"] == "CUST-0004"
        assert order["channel"] == "web"
        assert "confirmed" in text_of(say(browser, text=f"what's the status of {number.group()}"))

        # the warehouse ships it: the chat is told, with the tracking number and a button
        # that asks the assistant (the confirmation was said in the conversation, not again)
        with product.erp.as_manager() as warehouse:
            for step in ("pick", "pack"):
                warehouse.post(f"/orders/{number.group()}/{step}").raise_for_status()
            warehouse.post(
                f"/orders/{number.group()}/ship",
                json={"carrier": "DHL Freight", "tracking_number": "JD0146000088"},
            ).raise_for_status()
        news = pushed(browser)
        assert f"Order {number.group()} has shipped" in news["text"]
        assert "JD0146000088" in news["text"]
        tracking = say(browser, payload=button([news], "Track it"))
        assert "JD0146000088" in text_of(tracking)

        # asking for a person: the assistant's handoff flag reaches the gateway; this product
        # has no staff chat, so the user is told plainly and the assistant keeps the chat
        assert text_of(say(browser, text="I'd like to speak to a human please")).endswith(NO_STAFF)

        product.stop_erp()
        replies = say(browser, text=f"please cancel {number.group()}")
        assert "temporarily unavailable" in text_of(replies)
        assert "nothing was changed" in text_of(replies).lower()
        assert text_of(replies) != UNREACHABLE  # the assistant answered; the ERP did not
