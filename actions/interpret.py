"""What a message means when the model read no request in it ("inform", a low confidence, or
"out of scope") outside a form: "order 12 HINGE-BUTT-75 asap" still starts an order, a bare
order number or "the second one" after a list still asks about that order. Only when nothing
in the message is usable does the bot say it did not understand."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity, intent_of, text_of
from actions.context import listed_position
from actions.order_lines import requested_lines
from actions.order_start import ActionStartOrder
from actions.orders import ActionOrderStatus


class ActionInterpret(ErpAction):
    action_name = "action_interpret"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        lines = requested_lines(text_of(tracker), tracker.latest_message.get("entities", []))
        if any(line.quantity for line in lines):
            return await ActionStartOrder(self.client).run(dispatcher, tracker, domain)
        if entity(tracker, "order_number") or listed_position(tracker):
            return await ActionOrderStatus(self.client).run(dispatcher, tracker, domain)
        understood = (
            "utter_out_of_scope" if intent_of(tracker) == "out_of_scope" else "utter_default"
        )
        dispatcher.utter_message(response=understood)
        return []
