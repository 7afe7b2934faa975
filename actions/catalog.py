"""Stock and price questions: open to every chat, linked or not."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity


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
        found = await self.client.products(tracker.sender_id, wanted, limit=3)
        if not found:
            dispatcher.utter_message(response="utter_product_not_found", product=wanted)
            return []
        exact = [p for p in found if p["sku"] == wanted.strip().upper()]
        for product in exact or found:  # "BOLT-M8" means BOLT-M8, not also BOLT-M8-SS
            dispatcher.utter_message(
                response="utter_stock_and_price",
                sku=product["sku"],
                name=product["name"],
                available=product["available"],
                unit=product["unit"],
                unit_price=product["unit_price"],
            )
        return []
