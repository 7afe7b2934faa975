"""The actions' words in the chat's language (actions/i18n.py): a complete catalogue, the
Chinese variations of the domain's responses, money and dates, and a turn answered in Chinese
by the real assistant."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path
from string import Formatter

import yaml
from babel.messages.extract import extract_from_dir
from rasa_sdk.executor import CollectingDispatcher

from actions.erp_client import ErpError
from actions.formatting import day, money
from actions.i18n import LanguageOfTheTurn, _, catalogue, speaking
from actions.replies import refusal_words
from tests.actions.chat import domain, linked_chat, tracker
from tests.product import RunningAssistant

ROOT = Path(__file__).resolve().parents[2]


def message_ids() -> set[str]:
    """Every text the actions mark for the catalogue (`_()` and `N_()`)."""
    found = extract_from_dir(
        str(ROOT / "actions"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    )
    return {str(message) for _, _, message, _, _ in found}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_every_text_of_the_actions_has_its_chinese() -> None:
    ids = message_ids()
    assert ids, "the actions mark their texts"
    chinese = catalogue("zh")
    assert sorted(ids - chinese.keys()) == []
    for message in ids:  # the same values go into both
        assert placeholders(chinese[message]) == placeholders(message), message


def test_each_chinese_response_says_what_its_english_says() -> None:
    checked = 0
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for name, variations in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            english = [v for v in variations if not v.get("condition")]
            chinese = [
                v
                for v in variations
                if {"type": "slot", "name": "language", "value": "zh"} in (v.get("condition") or [])
            ]
            if not chinese:
                continue
            checked += 1
            assert english, f"{name}: the English variation is the default"
            assert placeholders(chinese[0]["text"]) == placeholders(english[0]["text"]), name
            assert re.search(r"[\u4e00-\u9fff]", chinese[0]["text"]), name
    assert checked >= 4


def test_money_and_dates_in_chinese() -> None:
    with speaking("zh"):
        assert money("1234.5", "CNY") == "¥1,234.50"
        assert money("1234.5", "GBP") == "£1,234.50"
        assert day(date(2026, 12, 4), today=date(2026, 12, 1)) == "12月4日 周五"
        assert day(date(2027, 1, 8), today=date(2026, 12, 1)) == "2027年1月8日 周五"
        assert _("delivered") == "已送达"
    assert day(date(2026, 12, 4), today=date(2026, 12, 1)) == "Fri 4 Dec"
    assert _("delivered") == "delivered"
    with speaking("fr"):  # a language the catalogue does not have: English
        assert _("delivered") == "delivered"


def test_a_refused_return_is_worded_line_by_line_in_chinese() -> None:
    refused = ErpError(
        409,
        "RETURN_NOT_ALLOWED",
        "Cannot return these lines.",
        {
            "order_number": "SO-2026-00042",
            "lines": [
                {"sku": "NUT-M8", "asked": 5, "left": None},
                {"sku": "BOLT-M8", "asked": 50, "left": 20},
            ],
        },
    )
    with speaking("zh"):
        assert refusal_words(refused) == (
            "NUT-M8不在订单SO-2026-00042上；BOLT-M8：要退50，还能退20"
        )
    assert refusal_words(refused) == "Cannot return these lines."


def test_the_language_slot_follows_the_turns_metadata() -> None:
    for metadata, language in (({"language": "zh"}, "zh"), ({}, "en"), ({"language": "xx"}, "en")):
        state = tracker("web:i18n", "SO-2026-00042")
        state.latest_message["metadata"] = metadata
        events = asyncio.run(LanguageOfTheTurn().run(CollectingDispatcher(), state, domain()))
        assert events == [
            {"event": "slot", "name": "language", "value": language, "timestamp": None}
        ]


def test_an_order_number_in_a_chinese_chat_is_answered_in_chinese(
    assistant: RunningAssistant,
) -> None:
    chat = linked_chat(assistant.erp, "CUST-0013")
    with assistant.erp.as_manager() as manager:
        orders = manager.get("/orders", params={"customer_code": "CUST-0013", "limit": 1})
        number = orders.json()["items"][0]["number"]
    (reply, *_) = assistant.say(chat, number, language="zh")
    assert reply["text"].startswith(f"订单{number}"), reply
    assert "合计" in reply["text"]
    (english, *_) = assistant.say(chat, number, language="en")
    assert english["text"].startswith(f"Order {number} is"), english


def test_an_orders_timeline_is_worded_in_the_chats_language() -> None:
    from actions.orders import event_words

    shipped = {
        "kind": "shipped",
        "status": "shipped",
        "note": "Shipped with DPD, tracking 15501. Invoice INV-2026-00017.",
        "data": {"carrier": "DPD", "tracking_number": "15501", "invoice_number": "INV-2026-00017"},
    }
    held = {
        "kind": "approval_requested",
        "status": "pending_approval",
        "note": "Held for approval: CREDIT.",
        "data": {"reasons": ["CREDIT"]},
    }
    unknown = {"kind": "weighed", "status": "picking", "note": "Weighed.", "data": {}}
    assert event_words(shipped) == shipped["note"]  # English: the ERP's own sentence
    with speaking("zh"):
        assert event_words(shipped) == "已由DPD发货，运单号15501。发票INV-2026-00017。"
        assert event_words(held).startswith("等待审批：")
        assert "CREDIT" not in event_words(held)
        assert event_words(unknown) == _("being picked in the warehouse")  # its status, worded
