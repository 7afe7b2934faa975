"""Rejecting a held order by chat, with a reason the sales rep reads: "reject SO-2026-00042",
"reject the first one", then "customer is 90 days overdue"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.approvals import HELD
from actions.base import ErpAction, Events, turn_key
from actions.form_questions import FormQuestion
from actions.formatting import customer_name_of, money_of
from actions.order_reference import ActionAskTargetOrder, OrderTargetForm, free_text, only_when

REJECT_SLOTS = ("target_order", "rejection_reason")


class ValidateRejectForm(OrderTargetForm):
    form = "reject_form"
    own_intent = "reject_order"
    statuses = HELD
    slots = REJECT_SLOTS
    left_response = "utter_reject_left"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return only_when(order, "pending_approval", "utter_no_longer_waiting", dispatcher)

    async def extract_rejection_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "rejection_reason":
            return {}
        reason = free_text(tracker)
        return {"rejection_reason": reason} if reason else {}


class ActionAskRejectFormTargetOrder(ActionAskTargetOrder):
    form = "reject_form"
    statuses = HELD
    none_response = "utter_no_orders_to_reject"
    back_response = "utter_back_to_reject"


class ActionAskRejectionReason(FormQuestion):
    action_name = "action_ask_rejection_reason"
    hint_response = "utter_hint_reason"

    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "response": "utter_back_to_reject_order",
            "order_number": tracker.get_slot("target_order"),
        }

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        # the order said in full (whose, how much), so a wrong pick is seen before it goes
        number = tracker.get_slot("target_order")
        order = await self.client.order(tracker.sender_id, number)
        dispatcher.utter_message(
            response="utter_ask_rejection_reason",
            order_number=number,
            customer=customer_name_of(order) or order["customer_code"],
            total=money_of(order),
        )
        return []


class ActionRejectOrder(ErpAction):
    action_name = "action_reject_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number, reason = tracker.get_slot("target_order"), tracker.get_slot("rejection_reason")
        if number and reason:
            order = await self.client.order_action(
                tracker.sender_id, number, "reject", turn_key(tracker, "reject"), {"reason": reason}
            )
            dispatcher.utter_message(response="utter_order_rejected", order_number=order["number"])
            return [*self.failure_events(tracker), SlotSet("order_number", order["number"])]
        return self.failure_events(tracker)

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet(name, None) for name in REJECT_SLOTS]
