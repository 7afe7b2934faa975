"""Stock and price questions: open to every chat, linked or not."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, text_of
from actions.chinese import has_han, plain
from actions.formatting import money_of, name_of, unit
from actions.order_lines import mentions
from actions.product_match import choose

# "how many of them have you got", "what do those cost": the product just discussed
REFERS_BACK = re.compile(r"\b(?:them|those|these|they|it|that one|the same)\b", re.IGNORECASE)
MOST_ASKED = 3

# When the tagger found no product in a stock or price question ("how much is a euro pallet",
# "do you have cable cat6 in stock?"), what is asked about is what is left once the question's
# own words are taken off; the search then says whether we carry it.
_ASKING = re.compile(
    r"^(?:(?:hi|hello|hey|ok|right|and)\b[\s,!]*)*"
    r"(?:(?:do|does|did|have|can)\s+(?:you|u|ya|ye|we)\s+(?:guys\s+|lot\s+)?"
    r"(?:have|got|sell|stock|do|carry|supply|get)|(?:you|u)\s+(?:got|have|do|sell)"
    r"|have\s+you\s+got|got|any|is\s+there|are\s+there|how\s+much\s+(?:is|are|for|do\s+you"
    r"\s+(?:charge|want)\s+for)|how\s+much|what(?:'s|s|\s+is|\s+are)?\s+(?:the\s+)?"
    r"(?:price|cost)\s+(?:of|for|on)|what\s+do\s+you\s+(?:charge|want)\s+for|price\s+(?:of|for|on)"
    r"|cost\s+of|prices?|stock\s+of)\b\s*",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s+(?:in\s+stock|in|available|left|at\s+the\s+moment|atm|right\s+now|today|please|pls"
    r"|cost|price|each|then)\b|[\s?!.,]+)+$",
    re.IGNORECASE,
)
# what a question's rest starts with when it is not a product: "how much [do i owe you]"
_NOT_A_PRODUCT = re.compile(
    r"(?:do|does|did|i|we|you|u|it|its|they|them|those|these|that|this|my|our|me|us|is|are"
    r"|was|were|will|would|can|could|should)\b",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:a|an|the|some|any|ur|your)\s+", re.IGNORECASE)


# The same in Chinese: "你们有CAT6网线现货吗？" -> "CAT6网线", "欧标托盘多少钱一个" -> "欧标托盘"
_ZH_ASKING = re.compile(
    r"^(?:请问|你好|您好|[，,\s])*(?:你们|您们|你|您|贵司)?(?:这里|这边|店里|仓库)?"
    r"(?:还有没有|有没有|有冇|还有|有|卖不卖|卖|能买到)?"
)
_ZH_TRAILING = re.compile(
    r"(?:的?有?(?:现货|库存|货)?(?:吗|么|没有|不|呢|冇)"
    r"|的?(?:多少钱|几多钱|价格|价钱|单价|怎么卖|什么价)(?:[1一]?[个箱盒只件米卷托张包袋])?"
    r"(?:啊|呀|呢)?)[？?！!。.\s]*$"
)
_ZH_NOT_A_PRODUCT = re.compile(r"^(?:我|你|您|他|她|它|这|那|哪|谁|什么|怎么)")


def asked_in_chinese(text: str) -> str | None:
    said = plain(text.strip())
    rest = _ZH_TRAILING.sub("", said, count=1)
    rest = _ZH_ASKING.sub("", rest, count=1).strip(" ，,？?")
    if rest == said or _ZH_NOT_A_PRODUCT.match(rest):
        return None  # not a stock or price question in a shape we know, or not a product
    return rest if 2 <= len(rest) <= 16 else None


def asked_in_words(text: str) -> str | None:
    """ "how much is a euro pallet" -> "euro pallet"; None when the question's own words are
    all there is, or what is left is too long to be a product's name."""
    if has_han(text):
        return asked_in_chinese(text)
    rest = _ASKING.sub("", text.strip(), count=1)
    if rest == text.strip():
        return None  # not a stock or price question in a shape we know
    rest = _ARTICLE.sub("", _TRAILING.sub("", rest)).strip()
    words = rest.split()
    if not 1 <= len(words) <= 5 or _NOT_A_PRODUCT.match(rest):
        return None
    return rest


class ActionStockAndPrice(ErpAction):
    """ "Do you have BOLT-M8?", "how much are safety helmets?", "price of m12 bolts and m12
    nuts" — availability and price of each product named (a size written after the words
    counts: "zip ties 300mm"), or of the one just discussed ("how many of them are left")."""

    action_name = "action_stock_and_price"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        text = text_of(tracker)
        asked = [m.text for m in mentions(text, tracker.latest_message.get("entities") or [])]
        discussed = tracker.get_slot("product_discussed")
        if not asked and discussed and REFERS_BACK.search(text):
            asked = str(discussed).split(",")
        if not asked and (said := asked_in_words(text)) and not REFERS_BACK.fullmatch(said):
            asked = [said]
        if not asked:
            dispatcher.utter_message(response="utter_ask_which_product")
            return []
        answered: list[str] = []
        for wanted in asked[:MOST_ASKED]:
            answered += await self.one_product(dispatcher, tracker, wanted)
        return [SlotSet("product_discussed", ",".join(answered))] if answered else []

    async def one_product(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, wanted: str
    ) -> list[str]:
        """Says the stock and price of what `wanted` means; the SKUs it named."""
        choice = choose(await self.client.products(tracker.sender_id, wanted, limit=5), wanted)
        if choice.product is None and not choice.close:
            dispatcher.utter_message(response="utter_product_not_found", product=wanted)
            return []
        if not choice.carried:
            dispatcher.utter_message(response="utter_product_not_carried", product=wanted)
        shown = [choice.product] if choice.product else choice.close
        for product in shown:
            dispatcher.utter_message(
                response="utter_stock_and_price",
                sku=product["sku"],
                name=name_of(product),
                available=product["available"],
                unit=unit(product["unit"]),
                unit_price=money_of(product, "unit_price"),
            )
        return [product["sku"] for product in shown]
