"""After the order form: submit the confirmed draft, or drop a cancelled one.

The submit carries the order's Idempotency-Key, so a retry replays the first answer: a
double press or a timeout never submits twice. The reply says what happens next: confirmed,
held for approval and why, or waiting for stock with the shortfall.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events
from actions.erp_client import ErpUnavailable
from actions.formatting import listed, money_of
from actions.i18n import N_, _
from actions.order_start import drop_draft, reset_order
from actions.replies import status_words

REASON_WORDS = {
    "CREDIT": N_("the credit limit"),
    "PRICE": N_("a discount above the usual authority"),
}


def reasons_words(reasons: list[str]) -> str:
    """ "the credit limit and a discount above the usual authority": why an order is held."""
    words = [_(REASON_WORDS[r]) if r in REASON_WORDS else r.lower() for r in reasons]
    said = words[0] if words else ""
    for more in words[1:]:
        said = _("{first} and {second}").format(first=said, second=more)
    return said


class ActionPlaceOrder(ErpAction):
    action_name = "action_place_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        chat, number = tracker.sender_id, tracker.get_slot("draft_number")
        key = tracker.get_slot("order_key")
        decision = tracker.get_slot("order_decision")
        if not number or not key:
            return reset_order()
        if decision == "cancel":
            await drop_draft(self.client, tracker)
            dispatcher.utter_message(response="utter_order_dropped", order_number=number)
            return reset_order()
        if decision != "confirm":
            return reset_order()
        try:
            order = await self.client.order_action(chat, number, "submit", f"{key}-submit")
        except ErpUnavailable:
            dispatcher.utter_message(
                response="utter_submit_unsure",
                order_number=number,
                buttons=[{"title": _("Try again"), "payload": "/affirm"}],
            )
            return [SlotSet("submit_pending", True)]
        await self.tell_outcome(dispatcher, chat, order)
        return [*reset_order(), SlotSet("order_number", order["number"])]

    async def tell_outcome(
        self, dispatcher: CollectingDispatcher, chat: str, order: dict[str, Any]
    ) -> None:
        status, number = order["status"], order["number"]
        if status == "confirmed":
            dispatcher.utter_message(
                response="utter_order_confirmed", order_number=number, total=money_of(order)
            )
        elif status == "pending_approval":
            dispatcher.utter_message(
                response="utter_order_held",
                order_number=number,
                reasons=reasons_words(order["approval_reasons"]),
            )
        elif status == "awaiting_stock":
            dispatcher.utter_message(
                response="utter_order_awaiting_stock",
                order_number=number,
                shortfall=await self.shortfall(chat, number),
            )
        else:
            dispatcher.utter_message(
                response="utter_order_status",
                order_number=number,
                status=status_words(status),
                total=money_of(order),
                arrival="",
            )

    async def shortfall(self, chat: str, number: str) -> str:
        events = await self.client.order_events(chat, number)
        waiting = [e for e in events if e["kind"] == "awaiting_stock"]
        missing = waiting[-1]["data"].get("shortfall", []) if waiting else []
        return listed(
            _("{quantity} x {sku}").format(quantity=m["quantity"], sku=m["sku"]) for m in missing
        ) or _("some items")

    def failure_events(self, tracker: Tracker) -> Events:
        return reset_order()
