"""Stock and price questions: open to every chat, linked or not."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, text_of
from actions.formatting import money_of, name_of, unit
from actions.order_lines import mentions
from actions.product_match import choose

# "how many of them have you got", "what do those cost": the product just discussed
REFERS_BACK = re.compile(r"\b(?:them|those|these|they|it|that one|the same)\b", re.IGNORECASE)
MOST_ASKED = 3


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
