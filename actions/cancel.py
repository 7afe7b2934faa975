"""Cancelling an order by chat, with a confirmation: "cancel it", "cancel my last order"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, turn_key
from actions.erp_client import ErpError
from actions.formatting import money_of
from actions.i18n import _, titled
from actions.order_reference import (
    YES_NO,
    ActionAskTargetOrder,
    OrderTargetForm,
    YesNoQuestion,
    yes_or_no,
)
from actions.replies import status_words

CANCEL_SLOTS = ("target_order", "cancel_confirmed")
CANCELLABLE = frozenset({"draft", "pending_approval", "awaiting_stock", "confirmed", "picking"})


class ValidateCancelForm(OrderTargetForm):
    form = "cancel_form"
    own_intent = "cancel_order"
    statuses = CANCELLABLE - {"draft"}
    yes_no_slots = frozenset({"cancel_confirmed"})
    slots = CANCEL_SLOTS
    left_response = "utter_cancel_left"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        number = order["number"]
        if "cancel" not in order["allowed_actions"]:
            dispatcher.utter_message(
                response="utter_cannot_cancel",
                order_number=number,
                status=status_words(order["status"]),
            )
            return {
                "target_order": number,
                "order_number": number,
                "cancel_confirmed": "not_possible",
            }
        return {"target_order": number, "order_number": number}

    async def extract_cancel_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "cancel_confirmed":
            return {}
        answer = yes_or_no(tracker)
        return {"cancel_confirmed": answer} if answer else {}


class ActionAskCancelFormTargetOrder(ActionAskTargetOrder):
    form = "cancel_form"
    statuses = CANCELLABLE - {"draft"}
    none_response = "utter_no_orders_to_cancel"
    back_response = "utter_back_to_cancel"


class ActionAskCancelConfirmed(YesNoQuestion):
    action_name = "action_ask_cancel_confirmed"
    back_response = "utter_back_to_cancel_order"

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        order = await self.client.order(tracker.sender_id, tracker.get_slot("target_order"))
        dispatcher.utter_message(
            response="utter_ask_cancel_confirmed",
            order_number=order["number"],
            status=status_words(order["status"]),
            total=money_of(order),
            buttons=titled(YES_NO),
        )
        return []

    def hint(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "question": _("Cancel {order_number}?").format(
                order_number=tracker.get_slot("target_order")
            )
        }

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet("cancel_confirmed", "no")]


class ActionCancelOrder(ErpAction):
    action_name = "action_cancel_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = tracker.get_slot("target_order")
        answer = tracker.get_slot("cancel_confirmed")
        if answer == "no" and number:
            dispatcher.utter_message(response="utter_cancel_not_done", order_number=number)
        elif answer == "yes" and number:
            try:
                order = await self.client.order_action(
                    tracker.sender_id,
                    number,
                    "cancel",
                    turn_key(tracker, "cancel"),
                    {"reason": "Cancelled by chat"},
                )
            except ErpError as error:
                if error.code != "INVALID_TRANSITION":
                    raise
                now = await self.client.order(tracker.sender_id, number)
                dispatcher.utter_message(
                    response="utter_cannot_cancel",
                    order_number=number,
                    status=status_words(now["status"]),
                )
                return self.failure_events(tracker)
            dispatcher.utter_message(response="utter_order_cancelled", order_number=order["number"])
        return self.failure_events(tracker)

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet(name, None) for name in CANCEL_SLOTS]
