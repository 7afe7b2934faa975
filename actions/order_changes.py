"""Changing an order by chat: cancel (with confirmation), return, approve and reject, and
leaving any form with "stop".

The cancel, return and reject forms start with `order_number`; its question lists the chat's
orders that qualify as buttons. Each change carries an Idempotency-Key, so Rasa retrying the
action never acts twice, and each ERP refusal is explained in plain words.
"""

from __future__ import annotations

import contextlib
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity, turn_key
from actions.erp_client import ErpClient, ErpError, ErpUnavailable
from actions.order_form import (
    ONLY_HANDOFF,
    ORDER_SLOTS,
    ErpFormValidation,
    answering,
    drop_draft,
    intent_of,
    text_of,
)
from actions.order_lines import requested_lines
from actions.replies import status_words

CANCEL_SLOTS = ("cancel_confirmed",)
RETURN_SLOTS = ("return_items", "return_reason", "return_confirmed")
REJECT_SLOTS = ("rejection_reason",)
WHOLE_ORDER = {"all", "everything", "all of it", "the whole order", "whole order", "all items"}
ANSWERS = {"affirm": "yes", "deny": "no"}


def yes_or_no(tracker: Tracker) -> str | None:
    return ANSWERS.get(intent_of(tracker))


class OrderNumberForm(ErpFormValidation):
    """The forms that act on one existing order: the number first, checked with the ERP."""

    @property
    @abstractmethod
    def form(self) -> str:
        """The form's name; subclasses set it as a class attribute."""

    def name(self) -> str:
        return f"validate_{self.form}"

    async def extract_order_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "order_number"):
            return {}
        number = entity(tracker, "order_number")
        return {"order_number": number.upper() if number else None}

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        if value is None:
            return {"order_number": None}
        try:
            order = await self.client.order(tracker.sender_id, str(value).upper())
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
            dispatcher.utter_message(response="utter_erp_not_found")
            return {"order_number": None}
        return await self.check_order(order, dispatcher, tracker)

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return {"order_number": order["number"]}


def only_when(
    order: dict[str, Any], status: str, otherwise: str, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """The order, if it is in `status`; else the reply `otherwise` says what it is now."""
    if order["status"] == status:
        return {"order_number": order["number"]}
    dispatcher.utter_message(
        response=otherwise, order_number=order["number"], status=status_words(order["status"])
    )
    return {"order_number": None}


class ActionAskOrderNumber(ErpAction):
    """ "Which order?" with the chat's qualifying orders as buttons."""

    @property
    @abstractmethod
    def form(self) -> str:
        """The form's name; subclasses set it as a class attribute."""

    @property
    @abstractmethod
    def statuses(self) -> tuple[str, ...]:
        """The order states offered as buttons."""

    def name(self) -> str:
        return f"action_ask_{self.form}_order_number"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        orders: list[dict[str, Any]] = []
        for status in self.statuses:
            orders += await self.client.my_orders(tracker.sender_id, status=status, limit=5)
        orders.sort(key=lambda o: str(o["created_at"]), reverse=True)
        dispatcher.utter_message(
            response="utter_ask_order_number",
            buttons=[
                {
                    "title": f"{o['number']} ({status_words(o['status'])}, {o['total']})",
                    "payload": f'/inform{{"order_number": "{o["number"]}"}}',
                }
                for o in orders[:5]
            ],
        )
        return []


# --- cancel ---------------------------------------------------------------------------------


class ValidateCancelForm(OrderNumberForm):
    form = "cancel_form"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if "cancel" not in order["allowed_actions"]:
            dispatcher.utter_message(
                response="utter_cannot_cancel",
                order_number=order["number"],
                status=status_words(order["status"]),
            )
            return {"order_number": order["number"], "cancel_confirmed": "not_possible"}
        return {"order_number": order["number"]}

    async def extract_cancel_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "cancel_confirmed", leaving=ONLY_HANDOFF):
            return {}
        return {"cancel_confirmed": yes_or_no(tracker)}


class ActionAskCancelFormOrderNumber(ActionAskOrderNumber):
    form = "cancel_form"
    statuses = ("draft", "pending_approval", "awaiting_stock", "confirmed", "picking")


class ActionAskCancelConfirmed(ErpAction):
    action_name = "action_ask_cancel_confirmed"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        order = await self.client.order(tracker.sender_id, tracker.get_slot("order_number"))
        dispatcher.utter_message(
            response="utter_ask_cancel_confirmed",
            order_number=order["number"],
            status=status_words(order["status"]),
            total=order["total"],
            buttons=YES_NO,
        )
        return []

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet("cancel_confirmed", "not_possible")]


YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


class ActionCancelOrder(ErpAction):
    action_name = "action_cancel_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = tracker.get_slot("order_number")
        answer = tracker.get_slot("cancel_confirmed")
        if answer == "no":
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


# --- return ---------------------------------------------------------------------------------


class ValidateReturnForm(OrderNumberForm):
    form = "return_form"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return only_when(order, "delivered", "utter_cannot_return", dispatcher)

    async def extract_return_items(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "return_items"):
            return {}
        order = await self.client.order(tracker.sender_id, tracker.get_slot("order_number"))
        on_order = {line["sku"]: line for line in order["lines"]}
        text = text_of(tracker)
        if text.strip(" .!").lower() in WHOLE_ORDER:
            return {
                "return_items": [
                    {"sku": sku, "quantity": line["quantity"]} for sku, line in on_order.items()
                ]
            }
        items = []
        for wanted in requested_lines(text, tracker.latest_message.get("entities", [])):
            words = wanted.mention.lower()
            line = on_order.get(wanted.mention.upper()) or next(
                (o for o in on_order.values() if words in o["name"].lower()), None
            )
            if line is None:
                dispatcher.utter_message(
                    response="utter_not_on_order",
                    product=wanted.mention,
                    order_number=order["number"],
                )
                continue
            items.append({"sku": line["sku"], "quantity": wanted.quantity or line["quantity"]})
        return {"return_items": items or None}

    async def extract_return_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "return_reason"):
            return {}
        reason = " ".join(text_of(tracker).split())
        return {"return_reason": reason[:500] if len(reason) >= 3 else None}

    async def extract_return_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "return_confirmed", leaving=ONLY_HANDOFF):
            return {}
        return {"return_confirmed": yes_or_no(tracker)}


class ActionAskReturnFormOrderNumber(ActionAskOrderNumber):
    form = "return_form"
    statuses = ("delivered",)


class ActionAskReturnItems(ErpAction):
    action_name = "action_ask_return_items"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        order = await self.client.order(tracker.sender_id, tracker.get_slot("order_number"))
        lines = "\n".join(f"• {o['quantity']} x {o['sku']} ({o['name']})" for o in order["lines"])
        dispatcher.utter_message(
            response="utter_ask_return_items",
            order_number=order["number"],
            lines=lines,
            buttons=[{"title": "Everything", "payload": "everything"}],
        )
        return []


class ActionAskReturnConfirmed(ErpAction):
    action_name = "action_ask_return_confirmed"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        items = tracker.get_slot("return_items") or []
        dispatcher.utter_message(
            response="utter_ask_return_confirmed",
            order_number=tracker.get_slot("order_number"),
            items=", ".join(f"{i['quantity']} x {i['sku']}" for i in items),
            reason=tracker.get_slot("return_reason"),
            buttons=YES_NO,
        )
        return []


class ActionRequestReturn(ErpAction):
    action_name = "action_request_return"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = tracker.get_slot("order_number")
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


# --- approve and reject ---------------------------------------------------------------------


class ActionApproveOrder(ErpAction):
    """ "Approve SO-2026-00042" (finance, managers); without a number, what waits for them."""

    action_name = "action_approve_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = entity(tracker, "order_number")
        if number is None:
            await list_waiting_for_approval(self.client, dispatcher, tracker)
            return []
        number = number.upper()
        try:
            order = await self.client.order_action(
                tracker.sender_id, number, "approve", turn_key(tracker, "approve")
            )
        except ErpError as error:
            if error.code != "INVALID_TRANSITION":
                raise
            now = await self.client.order(tracker.sender_id, number)
            dispatcher.utter_message(
                response="utter_no_longer_waiting",
                order_number=number,
                status=status_words(now["status"]),
            )
            return []
        dispatcher.utter_message(
            response="utter_order_approved",
            order_number=order["number"],
            status=status_words(order["status"]),
        )
        return [SlotSet("order_number", order["number"])]


async def list_waiting_for_approval(
    client: ErpClient, dispatcher: CollectingDispatcher, tracker: Tracker
) -> None:
    waiting = await client.my_orders(tracker.sender_id, status="pending_approval", limit=5)
    if not waiting:
        dispatcher.utter_message(response="utter_nothing_to_approve")
        return
    buttons = []
    for order in waiting[:3]:
        number = order["number"]
        buttons += [
            {
                "title": f"Approve {number}",
                "payload": f'/approve_order{{"order_number": "{number}"}}',
            },
            {
                "title": f"Reject {number}",
                "payload": f'/reject_order{{"order_number": "{number}"}}',
            },
        ]
    dispatcher.utter_message(
        response="utter_waiting_for_approval",
        orders="\n".join(
            f"• {o['number']} {o['customer_name']} ({o['customer_code']}), {o['total']}: "
            + ", ".join(o["approval_reasons"]).lower()
            for o in waiting
        ),
        buttons=buttons,
    )


class ValidateRejectForm(OrderNumberForm):
    form = "reject_form"

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return only_when(order, "pending_approval", "utter_no_longer_waiting", dispatcher)

    async def extract_rejection_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "rejection_reason"):
            return {}
        reason = " ".join(text_of(tracker).split())
        return {"rejection_reason": reason[:500] if len(reason) >= 3 else None}


class ActionAskRejectFormOrderNumber(ActionAskOrderNumber):
    form = "reject_form"
    statuses = ("pending_approval",)


class ActionRejectOrder(ErpAction):
    action_name = "action_reject_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number, reason = tracker.get_slot("order_number"), tracker.get_slot("rejection_reason")
        if number and reason:
            order = await self.client.order_action(
                tracker.sender_id, number, "reject", turn_key(tracker, "reject"), {"reason": reason}
            )
            dispatcher.utter_message(response="utter_order_rejected", order_number=order["number"])
        return self.failure_events(tracker)

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet(name, None) for name in REJECT_SLOTS]


# --- leaving a form -------------------------------------------------------------------------

FORM_SLOTS = {
    "order_form": ORDER_SLOTS,
    "cancel_form": CANCEL_SLOTS,
    "return_form": RETURN_SLOTS,
    "reject_form": REJECT_SLOTS,
}


class ActionStopForm(ErpAction):
    """ "Stop" in the middle of a form: leave it, forget its answers, drop an order's draft."""

    action_name = "action_stop_form"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        form = tracker.active_loop.get("name") or ""
        if form == "order_form":
            # an unsubmitted draft reserves nothing and is never shipped: dropping it is tidy,
            # not vital, so an outage here does not stop the user leaving the form
            with contextlib.suppress(ErpError, ErpUnavailable):
                await drop_draft(self.client, tracker)
        dispatcher.utter_message(response="utter_form_stopped")
        return self.failure_events(tracker)

    def failure_events(self, tracker: Tracker) -> Events:
        form = tracker.active_loop.get("name") or ""
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *(SlotSet(name, None) for name in FORM_SLOTS.get(form, ())),
        ]
