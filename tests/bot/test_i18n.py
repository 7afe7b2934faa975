"""The gateway's own words in the chat's language (bot/i18n.py): a complete catalogue, the
proactive messages, the web page's texts, Telegram's command menu and the gateway's refusals.
Pushes through the real notifier: tests/bot/test_notifier.py; the page switching in a real
browser: tests/bot/test_page_language.py."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from string import Formatter
from typing import Any

import httpx
from babel.messages.extract import extract_from_dir

from bot.assistant import Reply
from bot.i18n import _, catalogue, chat_language, day, money, speaking
from bot.notices import notice_for
from bot.page import TEXTS
from bot.store import GatewayStore
from bot.telegram import ONLY_TEXT
from tests.bot.conftest import TOKEN, Gateway
from tests.bot.peers import BotApi, RasaRest, said_in_private
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
CHINESE_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
PAGE_TEXTS = re.compile(r'<script id="page-texts" type="application/json">(.*?)</script>')


def message_ids() -> set[str]:
    """Every text the gateway marks for the catalogue (`_()` and `N_()`)."""
    found = extract_from_dir(
        str(ROOT / "bot"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    )
    return {str(message) for _, _, message, _, _ in found}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_every_text_of_the_gateway_has_its_chinese() -> None:
    ids = message_ids()
    assert len(ids) > 50, "the gateway marks its texts"
    chinese = catalogue("zh")
    assert sorted(ids - chinese.keys()) == []
    assert sorted(chinese.keys() - ids) == [], "texts the code no longer has"
    for message in ids:
        text = chinese[message]
        assert placeholders(text) == placeholders(message), message  # the same values in both
        words = re.sub(r"\{\w*\}", "", text)
        # full-width punctuation in Chinese (“” for quotes)
        assert not re.search(r"[,;:?!()\"]", words), (message, text)
        if re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w*\}", "", message)):
            assert re.search(r"[\u4e00-\u9fff]", text), (message, text)


def test_english_stays_english_and_unknown_languages_are_english() -> None:
    assert _("Send") == "Send"
    with speaking("zh"):
        assert _("Send") == "发送"
        assert _("a text nobody marked") == "a text nobody marked"
    with speaking("fr"):
        assert _("Send") == "Send"


def test_money_and_dates_of_events() -> None:
    """In Chinese through Babel's zh_CN; in English as the ERP wrote them (as always)."""
    with speaking("zh"):
        assert money("1234.5", "CNY") == "¥1,234.50"
        assert money("1234.5", "GBP") == "£1,234.50"
        assert money("495.00") == "495.00"
        assert money("1234.5") == "1,234.50"
        assert money(None) == "None"
        assert day("2026-12-01") == "2026年12月1日"
        assert day("soon") == "soon"
    assert money("1234.5", "CNY") == "1234.5"
    assert day("2026-12-01") == "2026-12-01"


ORDER = {"order_number": "SO-2026-00042", "customer_code": "CUST-0004", "total": "1234.50"}


def buttons(reply: Reply | None) -> list[str]:
    assert reply is not None
    return [button.title for button in reply.buttons]


def test_pushes_in_chinese() -> None:
    with speaking("zh"):
        confirmed = notice_for("order.confirmed", ORDER)
        in_yuan = notice_for("order.confirmed", {**ORDER, "currency": "CNY"})
        rejected = notice_for("order.rejected", {**ORDER, "reason": "折扣太高"})
        unexplained = notice_for("order.rejected", ORDER)
        shipped = notice_for(
            "order.shipped",
            {**ORDER, "carrier": "顺丰", "tracking_number": "SF1234", "invoice_number": "INV-7"},
        )
        overdue = notice_for(
            "invoice.overdue",
            {**ORDER, "invoice_number": "INV-7", "days_overdue": 3, "balance": "80.00"}
            | {"due_on": "2026-11-28"},
        )
        approval = notice_for("approval.requested", {**ORDER, "reasons": ["CREDIT", "PRICE"]})
        waiting = notice_for(
            "order.awaiting_stock",
            {
                **ORDER,
                "shortfall": [{"quantity": 40, "sku": "BOLT-M8"}, {"quantity": 5, "sku": "NUT"}],
            },
        )
    assert confirmed is not None
    assert confirmed.text == (
        "好消息：订单SO-2026-00042（合计1,234.50）已确认。库存已预留，仓库正在备货。"
    )
    assert buttons(confirmed) == ["订单状态"]
    assert in_yuan is not None
    assert "（合计¥1,234.50）" in in_yuan.text
    assert rejected is not None
    assert rejected.text == (
        "CUST-0004的订单SO-2026-00042已被驳回：折扣太高。"
        "订单已退回草稿：您可以修改后重新提交，或者取消订单。"
    )
    assert unexplained is not None
    assert "已被驳回：未说明原因。" in unexplained.text
    assert shipped is not None
    assert shipped.text == (
        "订单SO-2026-00042已发货，承运商：顺丰，运单号：SF1234。发票INV-7已在寄送途中。"
    )
    assert buttons(shipped) == ["查看物流"]
    assert overdue is not None
    assert overdue.text == (
        "发票INV-7（订单SO-2026-00042）已逾期3天：尚有80.00未付，到期日为2026年11月28日。"
        "如果您已经付款，谢谢，请忽略这条消息。"
    )
    assert buttons(overdue) == ["我的发票"]
    assert approval is not None
    assert approval.text == (
        "CUST-0004的订单SO-2026-00042（合计1,234.50）需要您审批：超出信用额度、价格低于销售代表的权限。"
    )
    assert buttons(approval) == ["审批通过SO-2026-00042", "驳回SO-2026-00042"]
    assert waiting is not None
    assert "缺货：BOLT-M8 × 40、NUT × 5。" in waiting.text


def test_pushes_in_english_are_as_they_always_were() -> None:
    confirmed = notice_for("order.confirmed", ORDER)
    assert confirmed is not None
    assert confirmed.text == (
        "Good news: order SO-2026-00042 (total 1234.50) is confirmed. "
        "The stock is reserved and the warehouse is preparing it."
    )
    assert buttons(confirmed) == ["Order status"]
    overdue = notice_for(
        "invoice.overdue",
        {"invoice_number": "INV-7", "order_number": None, "days_overdue": 1, "balance": "80.00"}
        | {"due_on": "2026-11-28"},
    )
    assert overdue is not None
    assert overdue.text == (
        "Invoice INV-7 is 1 day overdue: 80.00 is still open, due on 2026-11-28. "
        "If you have paid already, thank you, and please ignore this message."
    )
    rejected = notice_for("order.rejected", ORDER)
    assert rejected is not None
    assert rejected.text == (
        "Order SO-2026-00042 for CUST-0004 was not approved: no reason was given. "
        "It is back in draft: change it and submit it again, or cancel it."
    )


def test_a_chats_language_is_the_one_it_chose_else_its_clients(tmp_path: Path) -> None:
    store = GatewayStore(f"sqlite:///{tmp_path / 'gateway.db'}")
    try:
        store.choose_language("web:chinese", "zh", asked=False)
        store.choose_language("telegram:1", "en", asked=False)

        async def languages() -> list[str]:
            return [
                await chat_language(store, "web:chinese"),
                await chat_language(store, "telegram:1", "zh-hans"),  # chosen beats the guess
                await chat_language(store, "web:new", "zh-CN,zh;q=0.9"),
                await chat_language(store, "web:new", "de-DE"),
                await chat_language(store, "web:new"),
            ]

        assert asyncio.run(languages()) == ["zh", "en", "zh", "en", "en"]
    finally:
        store.close()


# -- the web page ---------------------------------------------------------------------------------


def page_texts(page: str) -> dict[str, Any]:
    found = PAGE_TEXTS.search(page)
    assert found is not None
    texts: dict[str, Any] = json.loads(found.group(1))
    return texts


def test_the_page_is_served_in_the_chats_language_and_answers_name_it(
    rasa: RasaRest, gateway: Gateway
) -> None:
    with gateway(rasa.url) as url:
        with httpx.Client(base_url=url, headers=CHINESE_BROWSER) as chinese:
            page = chinese.get("/")  # a new chat: the browser's language
            assert page.headers["content-type"] == "text/html; charset=utf-8"
            assert "default-src 'self'" in page.headers["content-security-policy"]
            html = page.text
            assert '<html lang="zh-CN" data-language="zh">' in html
            assert '<title data-text="title">订单台智能助手</title>' in html
            assert "输入<kbd>帮助</kbd>查看我能做什么。" in html
            assert 'placeholder="输入消息，例如：SO-2026-00042到哪了？"' in html
            assert '<button type="submit" data-text="send">发送</button>' in html
            assert "{{" not in html
            texts = page_texts(html)
            # every text of the page in every language, for the page to switch by itself
            assert texts["languages"] == {"en": "en", "zh": "zh-CN"}
            assert set(texts["texts"]["en"]) == set(texts["texts"]["zh"]) == set(TEXTS)
            assert texts["texts"]["en"]["link_yes"] == "Link this chat"
            assert texts["texts"]["zh"]["link_yes"] == "关联这个聊天"
            assert chinese.post("/chat/session").json()["language"] == "zh"

            answer = chinese.post("/chat/messages", json={"text": "where is my order"}).json()
            assert answer["language"] == "en"  # the chat speaks English now
            assert '<html lang="en" data-language="en">' in chinese.get("/").text
            answer = chinese.post("/chat/messages", json={"text": "SO-2026-00042"}).json()
            assert answer["language"] == "en"  # no words: the chat keeps its language
            answer = chinese.post("/chat/messages", json={"text": "订单到哪了"}).json()
            assert answer["language"] == "zh"
            assert chinese.post("/chat/session").json()["language"] == "zh"
        with httpx.Client(base_url=url) as english:
            html = english.get("/").text
    assert '<html lang="en" data-language="en">' in html
    for shown in (
        '<title data-text="title">Order desk assistant</title>',
        '<h1 data-text="title">Order desk assistant</h1>',
        "Orders, deliveries, invoices. Type <kbd>help</kbd> to see what I can do.",
        'aria-label="Chat with the order desk assistant"',
        'aria-label="The assistant is typing"',
        ">Your message</label>",
        'placeholder="Type a message, e.g. where is SO-2026-00042?"',
        '<button type="submit" data-text="send">Send</button>',
    ):
        assert shown in html
    assert "{{" not in html


def test_the_gateways_refusals_are_in_the_chats_language(rasa: RasaRest, gateway: Gateway) -> None:
    limits = {"gateway_messages_per_minute": "2"}
    with (
        gateway(rasa.url, **limits) as url,
        httpx.Client(base_url=url, headers=CHINESE_BROWSER) as chinese,
        httpx.Client(base_url=url) as english,
    ):
        chinese.get("/")
        unreadable = chinese.post("/chat/messages", json={})
        assert (unreadable.status_code, unreadable.json()["message"]) == (422, "无法读取这条消息。")
        forged = chinese.post(
            "/chat/messages", json={"text": "你好"}, headers={"Origin": "https://evil.test"}
        )
        assert forged.status_code == 403
        assert forged.json()["message"] == "这个请求不是来自聊天页面。请打开聊天页面后再试。"
        expired = chinese.post("/chat/messages", json={"payload": "/affirm"}).json()
        assert expired["replies"][0]["text"] == "这个按钮已失效。请直接告诉我您想做什么。"
        # a one-tap link with no ERP to redeem it
        linked = chinese.post("/chat/link", json={"token": "t" * 24}).json()
        assert linked["replies"][0]["text"].startswith("抱歉，现在无法关联这个聊天")
        assert linked["language"] == "zh"
        too_many = chinese.post("/chat/messages", json={"text": "你好"})
        assert too_many.status_code == 429
        assert too_many.json()["message"] == "短时间内消息太多了，请稍等片刻。"
        assert httpx.get(url + "/chat/events", headers=CHINESE_BROWSER).json()["message"] == (
            "请先打开聊天页面：它会开始您的聊天会话。"
        )

        english.get("/")
        for text in ("hello", "again"):
            english.post("/chat/messages", json={"text": text})
        too_many = english.post("/chat/messages", json={"text": "hello"})
        assert too_many.json()["message"] == (
            "Too many messages in a short time. Please wait a moment."
        )


def test_an_unreachable_assistant_is_said_in_the_chats_language(gateway: Gateway) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    with (
        gateway(nobody) as url,
        httpx.Client(base_url=url, headers=CHINESE_BROWSER) as chinese,
    ):
        (reply,) = chinese.post("/chat/messages", json={"text": "取消SO-2026-00042"}).json()[
            "replies"
        ]
    assert reply["text"] == (
        "抱歉，我现在无法回答：智能助手暂时无法使用。没有做任何改动，请过一分钟再试。"
    )


# -- Telegram -------------------------------------------------------------------------------------


def test_telegrams_command_menu_is_set_in_each_language(
    rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    settings = {"telegram_bot_token": TOKEN, "telegram_api_url": f"{bot_api.url}/bot"}
    with gateway(rasa.url, **settings):
        menus = bot_api.wait_for("setMyCommands", 2)
        time.sleep(0.5)
        assert len(bot_api.made("setMyCommands")) == 2  # once per language, not per update
    by_language = {menu.get("language_code"): menu["commands"] for menu in menus}
    assert by_language == {
        None: [  # the default: everyone whose Telegram does not speak Chinese
            {"command": "start", "description": "Start the conversation"},
            {"command": "help", "description": "What I can do for you"},
        ],
        "zh": [
            {"command": "start", "description": "开始对话"},
            {"command": "help", "description": "我能为您做什么"},
        ],
    }


def sent_a_location(chat_id: int, **sender: Any) -> dict[str, Any]:
    update = said_in_private(chat_id, "", **sender)
    del update["message"]["text"]
    update["message"]["location"] = {"latitude": 51.5, "longitude": -0.1}
    return update


def test_telegram_chats_get_the_gateways_words_in_their_language(
    rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    settings = {"telegram_bot_token": TOKEN, "telegram_api_url": f"{bot_api.url}/bot"}
    new_chinese, speaks_english, starts = 760001, 760002, 760003
    with gateway(rasa.url, **settings):
        # /start (Telegram's first message) in a Chinese Telegram: the assistant's greeting is
        # asked for in Chinese
        bot_api.push(said_in_private(starts, "/start", language_code="zh-hans"))
        bot_api.wait_for("sendMessage", chat_id=starts)
        # a chat with no language yet: its Telegram's
        bot_api.push(sent_a_location(new_chinese, language_code="zh-hans"))
        bot_api.wait_for("sendMessage", chat_id=new_chinese)
        # a chat that speaks English, whatever its Telegram's language
        bot_api.push(said_in_private(speaks_english, "hello", language_code="zh-hans"))
        bot_api.wait_for("sendMessage", chat_id=speaks_english)
        bot_api.push(sent_a_location(speaks_english, language_code="zh-hans"))
        bot_api.wait_for("sendMessage", 2, chat_id=speaks_english)
    assert bot_api.texts_to(new_chinese) == [
        "我只能读取文字消息。请输入您需要什么，例如“SO-2026-00042到哪了？”或“帮助”。"
    ]
    assert bot_api.texts_to(speaks_english)[1] == ONLY_TEXT
    turns = zip(rasa.received, rasa.metadata, strict=True)
    assert [
        (said, meta["language"]) for (chat, said), meta in turns if chat.endswith("760003")
    ] == [("hello", "zh")]
