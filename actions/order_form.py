"""Placing an order by chat.

1. `action_start_order` — who is asking: a customer orders for themself, a sales rep or
   manager names the customer; an unlinked chat is told how to link. It reads what the
   first message already says ("40 BOLT-M8 by Friday") and gives the order its
   Idempotency-Key stem (`order_key`).
2. `order_form` — customer → order_lines → delivery_date → shipping_address →
   order_decision, validated by `validate_order_form`. Asking for `order_decision` is the
   priced preview: the ERP's draft (created once, edited after a change) with Confirm /
   Change / Cancel buttons, so prices, discounts and totals are the ERP's, never the bot's.
3. `action_place_order` — submits the draft with the key (a retry replays the first answer,
   so a double press or a timeout never submits twice) and says what happens next:
   confirmed, held for approval and why, or waiting for stock with the shortfall.
   Cancel drops the draft.
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from datetime import date, timedelta
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity, turn_request_id
from actions.dates import parse_date, spoken
from actions.erp_client import ErpClient, ErpError, ErpUnavailable, new_idempotency_key
from actions.order_lines import RequestedLine, bare_quantity, requested_lines
from actions.replies import UNAVAILABLE, responses_of, say_refusal, status_words
from telemetry.logs import request_scope

ORDERING_ROLES = {"customer", "sales_rep", "manager", "admin"}
ORDER_SLOTS = (
    "customer",
    "order_items",
    "order_lines",
    "delivery_date",
    "shipping_address",
    "default_address",
    "order_decision",
    "draft_number",
    "order_key",
)
NO_DATE = {
    "no rush",
    "any",
    "anytime",
    "any time",
    "whenever",
    "asap",
    "as soon as possible",
    "no date",
    "doesn't matter",
    "does not matter",
    "no preference",
    "soon",
}
DECISIONS = {"change_items", "change_date", "change_address", "preview"}
# Messages that leave a form instead of answering it (rules in data/rules/forms.yml).
LEAVING_INTENTS = frozenset({"deny", "human_handoff"})
FREE_TEXT_SLOTS = frozenset({"shipping_address", "return_reason", "rejection_reason"})
# Refusals that no other answer can change: the chat is not linked, or its role may not.
NOT_ALLOWED = frozenset({"IDENTITY_NOT_LINKED", "FORBIDDEN"})
# At a yes/no question "no" is an answer; only "talk to a person" leaves.
ONLY_HANDOFF = frozenset({"human_handoff"})
MAX_DAYS_AHEAD = 365
REASON_WORDS = {"CREDIT": "the credit limit", "PRICE": "a discount above the usual authority"}

Items = list[dict[str, Any]]


def today() -> date:
    return date.today()


def reset_order() -> Events:
    return [SlotSet(name, None) for name in ORDER_SLOTS] + [SlotSet("submit_pending", False)]


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def text_of(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def answering(tracker: Tracker, slot: str, leaving: frozenset[str] = LEAVING_INTENTS) -> bool:
    """Is the latest message an answer to the form's question for `slot`? "Stop" and "talk
    to a person" are not: the form lets them go to the rules that leave it."""
    if tracker.get_slot("requested_slot") != slot:
        return False
    if intent_of(tracker) not in leaving:
        return True
    # An address or a reason ("no stock left at our site") may read like "no"; only a short
    # "no" / "stop" / "forget it" leaves a free-text question.
    return slot in FREE_TEXT_SLOTS and len(text_of(tracker).split()) > 2


def complete(items: Items) -> Items | None:
    """The order lines once every item has a quantity, else None (the form asks on)."""
    if items and all(item["quantity"] for item in items):
        return items
    return None


def merge(current: Items, new: Items) -> Items:
    """New items join the order; naming a product again sets its quantity."""
    merged = {item["sku"]: dict(item) for item in current}
    for item in new:
        if item["sku"] in merged and item["quantity"] is None:
            continue
        merged[item["sku"]] = dict(item)
    return list(merged.values())


async def resolve(
    client: ErpClient, chat: str, wanted: RequestedLine, dispatcher: CollectingDispatcher
) -> dict[str, Any] | None:
    """The catalog product a mention means; asks back when it is unknown or ambiguous."""
    if wanted.is_sku:
        try:
            return await client.product(chat, wanted.mention.upper())
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
    found = await client.products(chat, wanted.mention, limit=5)
    words = wanted.mention.strip().lower()
    exact = [p for p in found if words in (p["sku"].lower(), p["name"].lower())]
    if exact or len(found) == 1:
        return (exact or found)[0]
    if not found:
        dispatcher.utter_message(response="utter_product_not_found", product=wanted.mention)
        return None
    quantity = f"{wanted.quantity} " if wanted.quantity else ""
    dispatcher.utter_message(
        response="utter_which_product",
        product=wanted.mention,
        buttons=[
            {"title": f"{p['sku']} ({p['name']})", "payload": f"{quantity}{p['sku']}"}
            for p in found[:4]
        ],
    )
    return None


async def read_items(
    client: ErpClient, tracker: Tracker, dispatcher: CollectingDispatcher
) -> Items:
    """The catalog items the latest message asks for (quantity None where not said)."""
    items = []
    for wanted in requested_lines(text_of(tracker), tracker.latest_message.get("entities", [])):
        product = await resolve(client, tracker.sender_id, wanted, dispatcher)
        if product is None:
            continue
        if not product.get("active", True):
            dispatcher.utter_message(response="utter_product_inactive", sku=product["sku"])
            continue
        items.append({"sku": product["sku"], "name": product["name"], "quantity": wanted.quantity})
    return items


def read_date(text: str) -> str | None:
    """An ISO date, "none" for "as soon as possible", or None when it is not a date."""
    words = text.strip().strip(".!").lower()
    if words in NO_DATE:
        return "none"
    found = parse_date(text, today())
    return found.isoformat() if found else None


def check_date(value: str, dispatcher: CollectingDispatcher) -> str | None:
    if value == "none":
        return value
    wanted = date.fromisoformat(value)
    if wanted < today():
        dispatcher.utter_message(response="utter_date_in_past", date=spoken(wanted))
        return None
    if wanted > today() + timedelta(days=MAX_DAYS_AHEAD):
        dispatcher.utter_message(response="utter_date_too_far", date=spoken(wanted))
        return None
    return value


def order_request(tracker: Tracker) -> dict[str, Any]:
    """The ERP request for the order the form has collected."""
    delivery = tracker.get_slot("delivery_date")
    return {
        "customer_code": tracker.get_slot("customer"),
        "lines": [
            {"sku": item["sku"], "quantity": item["quantity"]}
            for item in tracker.get_slot("order_lines") or []
        ],
        "requested_delivery_date": None if delivery in (None, "none") else delivery,
        "shipping_address": tracker.get_slot("shipping_address"),
        "channel": channel_of(tracker.sender_id),
    }


def channel_of(sender: str) -> str:
    channel = sender.split(":", 1)[0].lower() if ":" in sender else "chat"
    return channel if channel.isalnum() and len(channel) <= 20 else "chat"


def fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


async def drop_draft(client: ErpClient, tracker: Tracker) -> None:
    """Cancel the preview's draft when the user decides not to order."""
    number, key = tracker.get_slot("draft_number"), tracker.get_slot("order_key")
    if number and key:
        await client.order_action(
            tracker.sender_id,
            number,
            "cancel",
            f"{key}-cancel",
            {"reason": "Dropped in chat before submitting"},
        )


class ActionStartOrder(ErpAction):
    """ "I want to order 40 BOLT-M8 by Friday": may this chat order, for whom, and what the
    first message already says. Sets `order_allowed`, which the rules follow."""

    action_name = "action_start_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        me = await self.client.me(tracker.sender_id)
        if not me["linked"]:
            dispatcher.utter_message(response="utter_how_to_link")
            return self.failure_events(tracker)
        if me["role"] not in ORDERING_ROLES:
            dispatcher.utter_message(response="utter_cannot_order", role=me["role"])
            return self.failure_events(tracker)
        events = reset_order()
        if me["role"] == "customer":
            customer = me["customer_code"]
        else:
            named = entity(tracker, "customer")
            customer = named.upper() if named else None
        items = await read_items(self.client, tracker, dispatcher)
        said_date = entity(tracker, "date")
        delivery = read_date(said_date) if said_date else None
        if delivery and delivery != "none":
            delivery = check_date(delivery, dispatcher)
        return [
            *events,
            SlotSet("order_allowed", True),
            SlotSet("order_key", new_idempotency_key()),
            SlotSet("customer", customer),
            SlotSet("order_items", items or None),
            SlotSet("order_lines", complete(items)),
            SlotSet("delivery_date", delivery),
        ]

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet("order_allowed", False)]


class ErpFormValidation(FormValidationAction):
    """A form's validation that talks to the ERP: an outage or a refusal is said plainly and
    the question asked again. It also keeps the working slots its extractions set besides the
    form's own (rasa_sdk passes on only the form's required slots)."""

    working_slots: tuple[str, ...] = ()

    def __init__(self, client: ErpClient | None = None) -> None:
        self.client = client or ErpClient()

    @abstractmethod
    def name(self) -> str:
        """validate_<form>; abstract so that rasa_sdk does not register this base."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        with request_scope(turn_request_id(tracker)):
            try:
                return await super().run(dispatcher, tracker, domain)  # type: ignore[no-any-return]
            except ErpUnavailable:
                dispatcher.utter_message(response=UNAVAILABLE)
            except ErpError as error:
                say_refusal(dispatcher, error, responses_of(domain))
                if error.code in NOT_ALLOWED:  # asking again cannot help: leave the form
                    return [SlotSet("requested_slot", None)]
            requested = tracker.get_slot("requested_slot")
            return [SlotSet(requested, None)] if requested else []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        working = [
            SlotSet(name, value)
            for name, value in tracker.slots_to_validate().items()
            if name in self.working_slots
        ]
        validated = await super().get_validation_events(dispatcher, tracker, domain)
        return working + list(validated)


class ValidateOrderForm(ErpFormValidation):
    """Reads each answer of the order form; a wrong answer is said plainly and asked again."""

    working_slots = ("order_items",)

    def name(self) -> str:
        return "validate_order_form"

    async def extract_customer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "customer"):
            return {}
        named = entity(tracker, "customer")
        return {"customer": named.upper() if named else None}

    async def validate_customer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        if value is None:
            return {"customer": None}
        try:
            customer = await self.client.customer(tracker.sender_id, str(value).upper())
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
            dispatcher.utter_message(response="utter_unknown_customer", customer=value)
            return {"customer": None}
        if not customer["active"]:
            dispatcher.utter_message(response="utter_erp_customer_inactive")
            return {"customer": None}
        return {"customer": customer["code"], "default_address": customer["shipping_address"]}

    async def extract_order_lines(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "order_lines"):
            return {}
        items: Items = tracker.get_slot("order_items") or []
        missing = next((item for item in items if not item["quantity"]), None)
        quantity = bare_quantity(text_of(tracker)) if missing else None
        if missing and quantity:
            items = merge(items, [{**missing, "quantity": quantity}])
        else:
            items = merge(items, await read_items(self.client, tracker, dispatcher))
        return {"order_items": items or None, "order_lines": complete(items)}

    async def validate_order_lines(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        return {"order_lines": value}

    async def extract_delivery_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "delivery_date"):
            return {}
        said = entity(tracker, "date") or text_of(tracker)
        found = read_date(said) or read_date(text_of(tracker))
        if found is None:
            dispatcher.utter_message(response="utter_date_not_understood")
        return {"delivery_date": found}

    async def validate_delivery_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        return {"delivery_date": value and check_date(str(value), dispatcher)}

    async def extract_shipping_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "shipping_address"):
            return {}
        usual = tracker.get_slot("default_address")
        if intent_of(tracker) == "affirm" and usual:
            return {"shipping_address": usual}
        address = " ".join(text_of(tracker).split())
        if len(address) < 8 or len(address.split()) < 2 or len(address) > 500:
            dispatcher.utter_message(response="utter_address_not_understood")
            return {"shipping_address": None}
        return {"shipping_address": address}

    async def extract_order_decision(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not answering(tracker, "order_decision", leaving=ONLY_HANDOFF):
            return {}
        intent = intent_of(tracker)
        decision = entity(tracker, "decision")
        if intent == "deny" or decision == "cancel":
            return {"order_decision": "cancel"}
        if intent == "affirm" and tracker.get_slot("draft_number"):
            return {"order_decision": "confirm"}
        if decision == "change_items":
            return {"order_decision": None, "order_lines": None, "order_items": None}
        if decision == "change_date":
            return {"order_decision": None, "delivery_date": None}
        if decision == "change_address":
            return {"order_decision": None, "shipping_address": None}
        added = await read_items(self.client, tracker, dispatcher)
        if added:  # "also 10 NUT-M10" at the preview: a new preview
            items = merge(tracker.get_slot("order_items") or [], added)
            return {"order_decision": None, "order_items": items, "order_lines": complete(items)}
        return {"order_decision": None}


class ActionAskOrderLines(ErpAction):
    """Asks for the items, or for the quantity of an item named without one."""

    action_name = "action_ask_order_lines"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        items: Items = tracker.get_slot("order_items") or []
        missing = next((item for item in items if not item["quantity"]), None)
        if missing:
            dispatcher.utter_message(
                response="utter_ask_quantity", sku=missing["sku"], name=missing["name"]
            )
        else:
            dispatcher.utter_message(response="utter_ask_order_lines")
        return []


class ActionAskShippingAddress(ErpAction):
    action_name = "action_ask_shipping_address"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        usual = tracker.get_slot("default_address")
        if usual:
            dispatcher.utter_message(
                response="utter_ask_shipping_address_usual",
                address=usual,
                buttons=[{"title": "Yes, the usual address", "payload": "/affirm"}],
            )
        else:
            dispatcher.utter_message(response="utter_ask_shipping_address")
        return []


class ActionAskOrderDecision(ErpAction):
    """The priced preview: the ERP's draft for what was collected, with the choices."""

    action_name = "action_ask_order_decision"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        chat, key = tracker.sender_id, tracker.get_slot("order_key") or new_idempotency_key()
        body = order_request(tracker)
        number = tracker.get_slot("draft_number")
        if number:
            edit = {k: body[k] for k in ("lines", "requested_delivery_date", "shipping_address")}
            draft = await self.client.edit_order(
                chat, number, edit, f"{key}-edit-{fingerprint(edit)}"
            )
        else:
            draft = await self.client.create_order(chat, body, f"{key}-create-{fingerprint(body)}")
        delivery = tracker.get_slot("delivery_date")
        dispatcher.utter_message(
            response="utter_order_preview",
            order_number=draft["number"],
            customer=f"{draft['customer_name']} ({draft['customer_code']})",
            lines=preview_lines(draft),
            total=draft["total"],
            delivery=spoken(date.fromisoformat(delivery))
            if delivery not in (None, "none")
            else "as soon as possible",
            address=draft["shipping_address"] or "(none)",
            buttons=DECISION_BUTTONS,
        )
        return [SlotSet("draft_number", draft["number"]), SlotSet("order_key", key)]

    # No preview without the ERP: say why, and offer to try again, change or cancel.
    def say_unavailable(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(response=UNAVAILABLE, buttons=RETRY_BUTTONS)

    def say_refused(
        self, dispatcher: CollectingDispatcher, error: ErpError, domain: dict[str, Any]
    ) -> None:
        super().say_refused(dispatcher, error, domain)
        dispatcher.utter_message(response="utter_change_or_cancel", buttons=CHANGE_BUTTONS)

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet("order_decision", None)]


DECISION_BUTTONS = [
    {"title": "Confirm", "payload": "/affirm"},
    {"title": "Change items", "payload": '/inform{"decision": "change_items"}'},
    {"title": "Change date", "payload": '/inform{"decision": "change_date"}'},
    {"title": "Change address", "payload": '/inform{"decision": "change_address"}'},
    {"title": "Cancel", "payload": "/deny"},
]

CHANGE_BUTTONS = DECISION_BUTTONS[1:]
RETRY_BUTTONS = [
    {"title": "Try again", "payload": '/inform{"decision": "preview"}'},
    {"title": "Cancel", "payload": "/deny"},
]


def preview_lines(order: dict[str, Any]) -> str:
    rows = []
    for line in order["lines"]:
        discount = f" less {line['discount_pct']} %" if float(line["discount_pct"]) else ""
        rows.append(
            f"• {line['quantity']} x {line['sku']} ({line['name']}) at {line['unit_price']}"
            f"{discount} = {line['line_total']}"
        )
    return "\n".join(rows)


class ActionPlaceOrder(ErpAction):
    """After the form: submit the confirmed draft, or drop a cancelled one."""

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
                buttons=[{"title": "Try again", "payload": "/affirm"}],
            )
            return [SlotSet("submit_pending", True)]
        await self.tell_outcome(dispatcher, chat, order)
        return reset_order()

    async def tell_outcome(
        self, dispatcher: CollectingDispatcher, chat: str, order: dict[str, Any]
    ) -> None:
        status, number = order["status"], order["number"]
        if status == "confirmed":
            dispatcher.utter_message(
                response="utter_order_confirmed", order_number=number, total=order["total"]
            )
        elif status == "pending_approval":
            reasons = " and ".join(
                REASON_WORDS.get(reason, reason.lower()) for reason in order["approval_reasons"]
            )
            dispatcher.utter_message(
                response="utter_order_held", order_number=number, reasons=reasons
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
                total=order["total"],
            )

    async def shortfall(self, chat: str, number: str) -> str:
        events = await self.client.order_events(chat, number)
        waiting = [e for e in events if e["kind"] == "awaiting_stock"]
        missing = waiting[-1]["data"].get("shortfall", []) if waiting else []
        return ", ".join(f"{m['quantity']} x {m['sku']}" for m in missing) or "some items"

    def failure_events(self, tracker: Tracker) -> Events:
        return reset_order()
