"""Which order a message means when it names none: "it", "the second one", "my last order".

The chat's context is two slots: `order_number`, the order just discussed (set by every
action that talks about one order), and `listed_orders`, the numbers of the last list shown
(its buttons are numbered to match). A reference resolves, in this order, to the number
written in the message, a position in the last list, the chat's most recent order, or the
order just discussed ("it", "that one").
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.base import entity, text_of
from actions.customer_match import customer_in_question
from actions.erp_client import ErpClient
from actions.i18n import _

# "open orders": everything not yet at its end (delivered, cancelled) and not a dropped draft.
OPEN_STATUSES = frozenset(
    {"pending_approval", "awaiting_stock", "confirmed", "picking", "packed", "shipped"}
)
ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
}
POSITION = re.compile(
    r"\b(?:(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)(?: one| order)?"
    r"|(?:number|no\.?|#)\s*([1-5]))\b|^\s*([1-5])\s*[.)]?\s*$"
    r"|第\s*([1-5一二三四五])\s*[个张单条]",
    re.IGNORECASE,
)
# Chinese for "my last order": "上一单", "上个订单", "最近那个单", "最新的那笔订单", "刚下的单"
# (not "最近几个订单": several)
ZH_LATEST_ORDER = (
    r"(?:上一个?|上个|最近|最新|最后一?个?|刚才|刚刚?下)的?(?:那|这)?[一个张笔]*(?:订单|单子?)"
    r"(?![价号据])"  # "最新单价" asks a price
)
# "my last order", "the latest one" — not "last week", "the last 30 days", "last time"
LATEST = re.compile(
    r"\b(?:last|latest|most recent|newest|recent|previous)\b"
    r"(?! (?:\d+ |few |couple of )?(?:days?|weeks?|months?|years?|quarters?|time|night)\b)"
    rf"|{ZH_LATEST_ORDER}",
    re.IGNORECASE,
)
# A "last order" is a real one: a draft never submitted is not what people mean.
NOT_A_DRAFT = frozenset(OPEN_STATUSES | {"delivered", "cancelled"})
THE_ONE_DISCUSSED = re.compile(
    r"\b(?:it|that|this|that one|this one|the order|that order|this order|same order)\b",
    re.IGNORECASE,
)
OPEN_WORDS = re.compile(
    r"\b(?:open|pending|outstanding|in progress|not (?:yet )?delivered|undelivered|active|"
    r"current|on the way|still coming|waiting)\b"
    r"|未完成|没完成|没有完成|未结|没到|还没到|没送到|在途|进行中|未送达|没发货|待处理",
    re.IGNORECASE,
)


# "SO-2026-00042" as people type it: "so-2026-42", "SO 2026 00042", "2026-00042"
ORDER_NUMBER = re.compile(r"^(?:so)?[- ]?(\d{4})[- ](\d{1,5})$", re.IGNORECASE)


def canonical_order_number(said: str) -> str | None:
    """The order number as the ERP writes it, from any of the ways people type it."""
    found = ORDER_NUMBER.match(said.strip())
    return f"SO-{found.group(1)}-{int(found.group(2)):05d}" if found else None


# "the last one on that list", "the bottom one", "last on the list": the list's end
END_OF_LIST = re.compile(
    r"\b(?:(?:last|bottom)(?: one| order)? (?:on|in|of) (?:the|that|this|your) list"
    r"|(?:the )?bottom (?:one|order)|(?:the )?last one listed)\b",
    re.IGNORECASE,
)


def position_said(tracker: Tracker) -> int | None:
    """ "the second one", "number 2", "2": the place in a list the message names (0-based);
    -1 for the list's last ("the last one on that list")."""
    text = text_of(tracker)
    if END_OF_LIST.search(text):
        return -1
    found = POSITION.search(text)
    if not found:
        return None
    word, number, bare, chinese = found.groups()
    if chinese:  # "第2个", "第二个"
        return int(chinese) - 1 if chinese.isdigit() else "一二三四五".index(chinese)
    return ORDINALS[word.lower()] if word else int(number or bare) - 1


def listed_position(tracker: Tracker) -> str | None:
    """The order at the place in the last list the message names."""
    listed: list[str] = tracker.get_slot("listed_orders") or []
    index = position_said(tracker)
    if not listed or index is None or index >= len(listed):
        return None
    return listed[index]


async def recent_orders(
    client: ErpClient,
    chat: str,
    statuses: frozenset[str] | None = None,
    limit: int = 5,
    customer: str | None = None,
) -> list[dict[str, Any]]:
    """The chat's most recent orders, newest first, only those in `statuses` when given, only
    `customer`'s when given (staff asking about one customer)."""
    orders = await client.my_orders(chat, customer=customer, limit=50 if statuses else limit)
    if statuses:
        orders = [o for o in orders if o["status"] in statuses]
    return orders[:limit]


async def order_referred(
    client: ErpClient, tracker: Tracker, statuses: frozenset[str] | None = None
) -> str | None:
    """The number of the order the latest message means, or None when it means none."""
    named = entity(tracker, "order_number")
    if named and (number := canonical_order_number(named)):
        return number
    listed = listed_position(tracker)
    if listed:
        return listed
    text = text_of(tracker)
    if LATEST.search(text) and not END_OF_LIST.search(text):
        # "northfield's last order", "their most recent one": that customer's, not anyone's
        customer = await customer_in_question(client, tracker)
        latest = await recent_orders(
            client, tracker.sender_id, statuses or NOT_A_DRAFT, limit=1, customer=customer
        )
        return str(latest[0]["number"]) if latest else None
    discussed = tracker.get_slot("order_number")
    if discussed and THE_ONE_DISCUSSED.search(text):
        return str(discussed)
    return None


def asks_for_open(tracker: Tracker) -> bool:
    return bool(OPEN_WORDS.search(text_of(tracker)))


def numbered_buttons(
    orders: list[dict[str, Any]], payload: str, words: Any
) -> list[dict[str, str]]:
    """One button per order, numbered as the list reads; `words(order)` describes it."""
    return [
        {
            "title": _("{index}. {number} ({words})").format(
                index=index, number=o["number"], words=words(o)
            ),
            "payload": f'/{payload}{{"order_number": "{o["number"]}"}}',
        }
        for index, o in enumerate(orders, start=1)
    ]
