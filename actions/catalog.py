"""Stock and price questions: open to every chat, linked or not."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity
from actions.formatting import money_of
from actions.product_match import choose


class ActionStockAndPrice(ErpAction):
    """ "Do you have BOLT-M8?", "how much are safety helmets?" — availability and price."""

    action_name = "action_stock_and_price"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        wanted = entity(tracker, "sku") or entity(tracker, "product")
        if wanted is None:
            dispatcher.utter_message(response="utter_ask_which_product")
            return []
        choice = choose(await self.client.products(tracker.sender_id, wanted, limit=5), wanted)
        if choice.product is None and not choice.close:
            dispatcher.utter_message(response="utter_product_not_found", product=wanted)
            return []
        if not choice.carried:
            dispatcher.utter_message(response="utter_product_not_carried", product=wanted)
        for product in [choice.product] if choice.product else choice.close:
            dispatcher.utter_message(
                response="utter_stock_and_price",
                sku=product["sku"],
                name=product["name"],
                available=product["available"],
                unit=product["unit"],
                unit_price=money_of(product, "unit_price"),
            )
        return []
