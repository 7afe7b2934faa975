"""Proactive messages: the gateway follows a real ERP's event feed and tells the right chats,
each once, across a restart; Telegram through the local Bot API server, web chats through the
page's event stream (or kept until a page opens)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.assistant import Reply
from bot.notices import notice_for
from bot.notifier import CURSOR
from bot.store import GatewayStore
from erp_backend.domain.notifications import AUDIENCES
from tests.bot.conftest import TOKEN, Gateway, pushed
from tests.bot.peers import BotApi, RasaRest, said_in_private
from tests.product import ERP_CLI, RunningErp, seeded_erp

CUSTOMER_CHAT = 700001  # a contact of CUST-0004
REP_CHAT = 700002  # tom.becker, the rep who places the orders
OTHER_CONTACT_CHAT = 700003  # another contact of CUST-0004


@pytest.fixture
def erp(tmp_path: Path) -> Iterator[RunningErp]:
    with seeded_erp(tmp_path) as running:
        yield running


def place(erp: RunningErp, discount: str = "0", customer: str = "CUST-0004") -> dict[str, Any]:
    """The rep places and submits an order from the ERP's API (not from a chat)."""
    line = {"sku": "BOLT-M8", "quantity": 40, "discount_pct": discount}
    with erp.as_rep() as rep:
        created = rep.post("/orders", json={"customer_code": customer, "lines": [line]})
        assert created.status_code == 201, created.text
        submitted = rep.post(f"/orders/{created.json()['number']}/submit")
        assert submitted.status_code == 200, submitted.text
        order: dict[str, Any] = submitted.json()
        return order


def eventually(check: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not within the time allowed")
        time.sleep(0.1)


Notifying = Callable[..., AbstractContextManager[str]]


@pytest.fixture
def notifying(erp: RunningErp, rasa: RasaRest, bot_api: BotApi, gateway: Gateway) -> Notifying:
    """Starts the gateway with Telegram and the notifier following the ERP's feed."""

    def start(**settings: str) -> AbstractContextManager[str]:
        return gateway(
            rasa.url,
            telegram_bot_token=TOKEN,
            telegram_api_url=f"{bot_api.url}/bot",
            erp_url=erp.url,
            erp_service_key=erp.service_key,
            notifier_poll_seconds="0.2",
            **settings,
        )

    return start


def following(tmp_path: Path) -> int:
    """The notifier's cursor in the gateway's own database, once it has one."""
    store = GatewayStore(f"sqlite:///{tmp_path / 'gateway.db'}")
    try:
        position: int | None = None

        def has_cursor() -> bool:
            nonlocal position
            position = store.cursor(CURSOR)
            return position is not None

        eventually(has_cursor)
        assert position is not None
        return position
    finally:
        store.close()


def test_every_kind_of_news_has_words() -> None:
    """The ERP's list of news (domain/notifications.py) and the gateway's wording agree."""
    for event_type in AUDIENCES:
        assert isinstance(notice_for(event_type, {"order_number": "SO-2026-00001"}), Reply)
    assert notice_for("invoice.issued", {}) is None  # a record, not news


def test_order_news_reaches_customer_rep_and_approver_once_across_a_restart(
    erp: RunningErp, rasa: RasaRest, bot_api: BotApi, notifying: Notifying, tmp_path: Path
) -> None:
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{REP_CHAT}", principal_name="tom.becker")
    with notifying() as url, httpx.Client(base_url=url, timeout=30) as manager_browser:
        start = following(tmp_path)
        manager_browser.get("/")  # the manager's web chat, linked like any chat
        identity = manager_browser.post("/chat/session").json()["identity"]
        erp.link(identity, principal_name="maria.lopez")

        # a discount beyond the rep's authority: held; the approver is told, with buttons
        held = place(erp, discount="15")
        assert held["status"] == "pending_approval"
        time.sleep(1)  # the manager's page is closed: the notice is kept for it
        approval = pushed(manager_browser)
        assert held["number"] in approval["text"]
        assert "approval" in approval["text"]
        payloads = [button["payload"] for button in approval["buttons"]]
        approve = f'/approve_order{{"order_number":"{held["number"]}"}}'
        assert approve in payloads
        # the button works: it was offered to that chat, so its press reaches the assistant
        pressed = manager_browser.post("/chat/messages", json={"payload": approve})
        assert pressed.status_code == 200
        assert rasa.messages_from(identity) == [approve]
        # ... nobody else heard of the held order
        assert not any(held["number"] in text for text in bot_api.texts_to(CUSTOMER_CHAT))

        with erp.as_manager() as manager:
            approved = manager.post(f"/orders/{held['number']}/approve")
            assert approved.json()["status"] == "confirmed", approved.text
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 1)
        eventually(lambda: len(bot_api.texts_to(REP_CHAT)) == 1)
        (told,) = bot_api.texts_to(CUSTOMER_CHAT)
        assert held["number"] in told
        assert "confirmed" in told
        assert bot_api.texts_to(REP_CHAT) == [told]
        assert start < following(tmp_path)

    # the gateway restarts: nothing told twice, and the next news still arrives
    with notifying(), erp.as_manager() as warehouse:
        for step in ("pick", "pack"):
            assert warehouse.post(f"/orders/{held['number']}/{step}").status_code == 200
        shipped = warehouse.post(
            f"/orders/{held['number']}/ship",
            json={"carrier": "DHL Freight", "tracking_number": "JD0146000088"},
        )
        assert shipped.status_code == 200, shipped.text
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 2)
        eventually(lambda: len(bot_api.texts_to(REP_CHAT)) == 2)
        time.sleep(1)  # a few more passes of the notifier
    confirmed, shipped_news = bot_api.texts_to(CUSTOMER_CHAT)
    assert confirmed == told
    assert "JD0146000088" in shipped_news
    assert "DHL Freight" in shipped_news
    assert bot_api.texts_to(REP_CHAT) == [confirmed, shipped_news]


def test_a_failed_send_is_tried_again_and_a_blocked_chat_does_not_hold_up_the_rest(
    erp: RunningErp, bot_api: BotApi, notifying: Notifying, tmp_path: Path
) -> None:
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{OTHER_CONTACT_CHAT}", customer_code="CUST-0004")
    bot_api.blocked.add(OTHER_CONTACT_CHAT)  # this contact blocked the bot
    with notifying():
        following(tmp_path)
        # Telegram refuses for longer than the gateway's retries: the send fails, is tried
        # again on a later pass, and arrives once
        bot_api.flood["sendMessage"] = 5
        first = place(erp)
        assert first["status"] == "confirmed"
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 1, timeout=40)
        second = place(erp)
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 2)
        time.sleep(1)
    to_customer = bot_api.texts_to(CUSTOMER_CHAT)
    assert first["number"] in to_customer[0]
    assert second["number"] in to_customer[1]
    assert bot_api.texts_to(OTHER_CONTACT_CHAT) == []
    # the blocked chat was tried once per event, not again and again
    tried = [
        params
        for params in bot_api.made("sendMessage")
        if str(params["chat_id"]) == str(OTHER_CONTACT_CHAT)
    ]
    assert len(tried) == 2


def test_news_from_before_the_first_start_or_too_old_is_not_told(
    erp: RunningErp, bot_api: BotApi, notifying: Notifying, tmp_path: Path
) -> None:
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    before = place(erp)  # the gateway has never run: this is history
    with notifying():
        start = following(tmp_path)
        time.sleep(1)
        assert bot_api.texts_to(CUSTOMER_CHAT) == []
    with notifying(notifier_max_age_hours="0"):  # every event counts as too old
        place(erp)
        eventually(lambda: following(tmp_path) > start)
        time.sleep(1)
    assert bot_api.texts_to(CUSTOMER_CHAT) == []
    assert before["status"] == "confirmed"


def test_a_rejection_reaches_the_rep_and_an_overdue_invoice_the_customer(
    erp: RunningErp, bot_api: BotApi, notifying: Notifying, tmp_path: Path
) -> None:
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{REP_CHAT}", principal_name="tom.becker")
    with erp.as_manager() as manager:
        invoices = manager.get("/invoices", params={"customer_code": "CUST-0004", "open": True})
        invoice = invoices.json()["items"][0]["number"]
    with notifying(), erp.as_manager() as finance:
        following(tmp_path)
        held = place(erp, discount="15")
        rejected = finance.post(
            f"/orders/{held['number']}/reject", json={"reason": "15 % is above the agreed 10 %"}
        )
        assert rejected.status_code == 200, rejected.text
        eventually(lambda: len(bot_api.texts_to(REP_CHAT)) == 1)
        (to_rep,) = bot_api.texts_to(REP_CHAT)
        assert f"Order {held['number']} for CUST-0004 was not approved" in to_rep
        assert "15 % is above the agreed 10 %" in to_rep

        # forty days later (the invoice's due date moved back), the ERP's sweep finds it
        # overdue: the customer's chat is told, the rep's is not
        erp_database = tmp_path / "erp.db"
        with sqlite3.connect(erp_database) as database:
            database.execute(
                "UPDATE invoices SET due_on = date('now', '-40 days'), "
                "overdue_notified_on = NULL WHERE number = ?",
                (invoice,),
            )
        swept = subprocess.run(
            [ERP_CLI, "sweep"],
            env={**os.environ, "ERP_DATABASE_URL": f"sqlite:///{erp_database}"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert swept.returncode == 0, swept.stderr
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 1)
        time.sleep(1)
    (overdue,) = bot_api.texts_to(CUSTOMER_CHAT)
    assert f"Invoice {invoice}" in overdue
    assert "40 days overdue" in overdue
    assert bot_api.texts_to(REP_CHAT) == [to_rep]


def told(bot_api: BotApi, chat: int, count: int) -> list[dict[str, Any]]:
    """What `chat` was sent once it has `count` messages (their sendMessage parameters)."""
    bot_api.wait_for("sendMessage", count, chat_id=chat)
    return [p for p in bot_api.made("sendMessage") if str(p["chat_id"]) == str(chat)]


def test_each_chat_is_told_in_its_own_language(
    erp: RunningErp, bot_api: BotApi, notifying: Notifying, tmp_path: Path
) -> None:
    """A chat that speaks Chinese hears the news in Chinese, one that speaks English in
    English: confirmed, shipped, rejected and overdue alike (bot/i18n.py)."""
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{OTHER_CONTACT_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{REP_CHAT}", principal_name="tom.becker")
    with erp.as_manager() as manager:
        invoices = manager.get("/invoices", params={"customer_code": "CUST-0004", "open": True})
        invoice = invoices.json()["items"][0]["number"]
    with notifying(), erp.as_manager() as staff:
        following(tmp_path)
        # the chats' languages: what they last spoke in, or their Telegram's for a neutral one
        bot_api.push(said_in_private(CUSTOMER_CHAT, "我的订单到哪了"))
        bot_api.push(said_in_private(OTHER_CONTACT_CHAT, "where is my order"))
        bot_api.push(said_in_private(REP_CHAT, "SO-2026-00001", language_code="zh-hans"))
        for chat in (CUSTOMER_CHAT, OTHER_CONTACT_CHAT, REP_CHAT):
            told(bot_api, chat, 1)

        order = place(erp)
        number = order["number"]
        assert order["status"] == "confirmed"
        for chat in (CUSTOMER_CHAT, OTHER_CONTACT_CHAT, REP_CHAT):
            told(bot_api, chat, 2)
        total = order["total"]
        chinese = told(bot_api, CUSTOMER_CHAT, 2)[1]
        assert chinese["text"] == (
            f"好消息：订单{number}（合计{total}）已确认。库存已预留，仓库正在备货。"
        )
        (button,) = [key for row in chinese["reply_markup"]["inline_keyboard"] for key in row]
        assert button["text"] == "订单状态"
        assert bot_api.texts_to(REP_CHAT)[1] == chinese["text"]
        english = told(bot_api, OTHER_CONTACT_CHAT, 2)[1]
        assert english["text"] == (
            f"Good news: order {number} (total {total}) is confirmed. "
            "The stock is reserved and the warehouse is preparing it."
        )
        (button,) = [key for row in english["reply_markup"]["inline_keyboard"] for key in row]
        assert button["text"] == "Order status"

        for step in ("pick", "pack"):
            assert staff.post(f"/orders/{number}/{step}").status_code == 200
        shipped = staff.post(
            f"/orders/{number}/ship",
            json={"carrier": "DHL Freight", "tracking_number": "JD0146000088"},
        )
        assert shipped.status_code == 200, shipped.text
        eventually(lambda: len(bot_api.texts_to(CUSTOMER_CHAT)) == 3)
        eventually(lambda: len(bot_api.texts_to(OTHER_CONTACT_CHAT)) == 3)
        assert bot_api.texts_to(CUSTOMER_CHAT)[2].startswith(
            f"订单{number}已发货，承运商：DHL Freight，运单号：JD0146000088。"
        )
        assert bot_api.texts_to(OTHER_CONTACT_CHAT)[2].startswith(
            f"Order {number} has shipped with DHL Freight, tracking number JD0146000088."
        )

        held = place(erp, discount="15")
        rejected = staff.post(f"/orders/{held['number']}/reject", json={"reason": "折扣太高"})
        assert rejected.status_code == 200, rejected.text
        eventually(lambda: any("驳回" in text for text in bot_api.texts_to(REP_CHAT)))
        (to_rep,) = [text for text in bot_api.texts_to(REP_CHAT) if "驳回" in text]
        assert to_rep.startswith(f"CUST-0004的订单{held['number']}已被驳回：折扣太高。")

        erp_database = tmp_path / "erp.db"
        with sqlite3.connect(erp_database) as database:
            database.execute(
                "UPDATE invoices SET due_on = date('now', '-40 days'), "
                "overdue_notified_on = NULL WHERE number = ?",
                (invoice,),
            )
        swept = subprocess.run(
            [ERP_CLI, "sweep"],
            env={**os.environ, "ERP_DATABASE_URL": f"sqlite:///{erp_database}"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert swept.returncode == 0, swept.stderr
        eventually(lambda: any(invoice in text for text in bot_api.texts_to(CUSTOMER_CHAT)))
        eventually(lambda: any(invoice in text for text in bot_api.texts_to(OTHER_CONTACT_CHAT)))
    (overdue_zh,) = [text for text in bot_api.texts_to(CUSTOMER_CHAT) if invoice in text]
    (overdue_en,) = [text for text in bot_api.texts_to(OTHER_CONTACT_CHAT) if invoice in text]
    assert f"发票{invoice}" in overdue_zh
    assert "已逾期40天" in overdue_zh
    assert re.search(r"到期日为\d{4}年\d{1,2}月\d{1,2}日。", overdue_zh), overdue_zh
    assert f"Invoice {invoice}" in overdue_en
    assert "40 days overdue" in overdue_en
    assert re.search(r"due on \d{4}-\d{2}-\d{2}\.", overdue_en), overdue_en
