"""Returning goods of a delivered order by chat: which order, what, why, and a confirmation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, text_of, turn_key
from actions.form_questions import FormQuestion
from actions.formatting import listed, name_of
from actions.i18n import N_, _, titled
from actions.order_items import matches
from actions.order_lines import requested_lines
from actions.order_reference import (
    YES_NO,
    ActionAskTargetOrder,
    OrderTargetForm,
    YesNoQuestion,
    free_text,
    only_when,
    yes_or_no,
)

RETURN_SLOTS = ("target_order", "return_items", "return_reason", "return_confirmed")
WHOLE_ORDER = {"all", "everything", "all of it", "the whole order", "whole order", "all items"}
DELIVERED = frozenset({"delivered"})


class ValidateReturnForm(OrderTargetForm):
    form = "return_form"
    own_intent = "request_return"
    statuses = DELIVERED
    yes_no_slots = frozenset({"return_confirmed"})
    slots = RETURN_SLOTS
    left_response = "utter_return_left"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return only_when(order, "delivered", "utter_cannot_return", dispatcher)

    async def extract_return_items(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "return_items":
            return {}
        order = await self.client.order(tracker.sender_id, tracker.get_slot("target_order"))
        text = text_of(tracker)
        if text.strip(" .!").lower() in WHOLE_ORDER:
            return {
                "return_items": [
                    {"sku": line["sku"], "quantity": line["quantity"]} for line in order["lines"]
                ]
            }
        items = []
        for wanted in requested_lines(text, tracker.latest_message.get("entities", [])):
            line = next(
                (
                    o
                    for o in order["lines"]
                    if matches({"sku": o["sku"], "name": o["name"]}, wanted.mention)
                ),
                None,
            )
            if line is None:
                dispatcher.utter_message(
                    response="utter_not_on_order",
                    product=wanted.mention,
                    order_number=order["number"],
                )
                continue
            quantity = min(wanted.quantity or line["quantity"], line["quantity"])
            items.append({"sku": line["sku"], "quantity": quantity})
        return {"return_items": items} if items else {}

    async def extract_return_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "return_reason":
            return {}
        reason = free_text(tracker)
        return {"return_reason": reason} if reason else {}

    async def extract_return_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "return_confirmed":
            return {}
        answer = yes_or_no(tracker)
        return {"return_confirmed": answer} if answer else {}


class ActionAskReturnFormTargetOrder(ActionAskTargetOrder):
    form = "return_form"
    statuses = DELIVERED
    none_response = "utter_no_orders_to_return"
    back_response = "utter_back_to_return"


class ReturnQuestion(FormQuestion):
    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "response": "utter_back_to_return_of",
            "order_number": tracker.get_slot("target_order"),
        }


class ActionAskReturnItems(ReturnQuestion):
    action_name = "action_ask_return_items"
    hint_response = "utter_hint_return_items"
    hint_buttons = [{"title": N_("Everything"), "payload": "everything"}]

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        order = await self.client.order(tracker.sender_id, tracker.get_slot("target_order"))
        lines = "\n".join(
            _("• {quantity} x {sku} ({name})").format(
                quantity=o["quantity"], sku=o["sku"], name=name_of(o)
            )
            for o in order["lines"]
        )
        dispatcher.utter_message(
            response="utter_ask_return_items",
            order_number=order["number"],
            lines=lines,
            buttons=[{"title": _("Everything"), "payload": "everything"}],
        )
        return []


class ActionAskReturnReason(ReturnQuestion):
    action_name = "action_ask_return_reason"
    hint_response = "utter_hint_reason"
    hint_buttons = [
        {"title": N_("Damaged in transit"), "payload": "damaged in transit"},
        {"title": N_("Wrong item"), "payload": "wrong item delivered"},
    ]

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(response="utter_ask_return_reason")
        return []


class ActionAskReturnConfirmed(YesNoQuestion):
    action_name = "action_ask_return_confirmed"
    back_response = "utter_back_to_return_of"

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(
            response="utter_ask_return_confirmed",
            order_number=tracker.get_slot("target_order"),
            items=self.items(tracker),
            reason=tracker.get_slot("return_reason"),
            buttons=titled(YES_NO),
        )
        return []

    def items(self, tracker: Tracker) -> str:
        return listed(
            _("{quantity} x {sku}").format(quantity=i["quantity"], sku=i["sku"])
            for i in tracker.get_slot("return_items") or []
        )

    def hint(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "question": _("Return {items} from {order_number}?").format(
                items=self.items(tracker), order_number=tracker.get_slot("target_order")
            )
        }


class ActionRequestReturn(ErpAction):
    action_name = "action_request_return"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = tracker.get_slot("target_order")
        answer = tracker.get_slot("return_confirmed")
        if answer == "no":
            dispatcher.utter_message(response="utter_return_not_done")
        elif answer == "yes" and number:
            created = await self.client.request_return(
                tracker.sender_id,
                {
                    "order_number": number,
                    "lines": tracker.get_slot("return_items"),
                    "reason": tracker.get_slot("return_reason"),
                },
                turn_key(tracker, "return"),
            )
            dispatcher.utter_message(
                response="utter_return_requested",
                return_number=created["number"],
                order_number=created["order_number"],
                credit=created["credit_total"],
            )
        return self.failure_events(tracker)

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet(name, None) for name in RETURN_SLOTS]
