"""The order form's questions and its priced preview (`action_ask_<slot>`).

Each is a `FormQuestion` (actions/conversation.py): the plain question first, then what is
accepted, with buttons and the way out. The preview is the ERP's draft for what was
collected (created once, edited after each change), so prices, discounts and totals are the
ERP's, never the bot's; a refusal of the ERP (a quantity over its limit, an unknown product)
sends the form back to the line concerned, in the user's words.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Events
from actions.conversation import ASIDE, attempts
from actions.dates import spoken
from actions.erp_client import ErpError, ErpUnavailable, new_idempotency_key
from actions.form_questions import FormQuestion
from actions.formatting import customer_name_of, listed, money, money_of, name_of, unit
from actions.i18n import N_, _, titled
from actions.order_items import Items, first_open, item_words
from actions.order_place import ActionPlaceOrder
from actions.order_start import reset_order
from actions.replies import UNAVAILABLE, field_limit

# Titles marked for the catalogue, said in the chat's language where sent (`titled`)
DECISION_BUTTONS = [
    {"title": N_("Confirm"), "payload": "/affirm"},
    {"title": N_("Change items"), "payload": '/inform{"decision": "change_items"}'},
    {"title": N_("Change date"), "payload": '/inform{"decision": "change_date"}'},
    {"title": N_("Change address"), "payload": '/inform{"decision": "change_address"}'},
    {"title": N_("Cancel the order"), "payload": '/inform{"decision": "cancel"}'},
]
CHANGE_BUTTONS = DECISION_BUTTONS[1:]
RETRY_BUTTONS = [
    {"title": N_("Try again"), "payload": '/inform{"decision": "preview"}'},
    {"title": N_("Cancel the order"), "payload": '/inform{"decision": "cancel"}'},
]


class OrderQuestion(FormQuestion):
    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        name = tracker.get_slot("customer_name")
        if name and tracker.get_slot("ordering_as") == "staff":
            return {"response": "utter_back_to_order_for", "customer": name}
        return {"response": "utter_back_to_order"}


class ActionAskCustomer(OrderQuestion):
    action_name = "action_ask_customer"
    hint_response = "utter_hint_customer"

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(response="utter_ask_customer")
        return []


class ActionAskOrderLines(OrderQuestion):
    """Asks for the items; or which product an unmatched line means; or a missing quantity."""

    action_name = "action_ask_order_lines"
    hint_response = "utter_hint_order_lines"

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        items: Items = tracker.get_slot("order_items") or []
        item = first_open(items)
        if item is None:
            dispatcher.utter_message(response="utter_ask_order_lines")
            return []
        others = [i for i in items if i is not item]
        if others:
            dispatcher.utter_message(
                response="utter_lines_so_far", lines=listed(item_words(i) for i in others)
            )
        if item["sku"] and item.get("unit_said"):
            dispatcher.utter_message(
                response="utter_ask_quantity_in_selling_unit",
                said=item.get("quantity_said") or item["unit_said"],
                product=item["mention"],
                sku=item["sku"],
                name=name_of(item),
                unit=unit(item.get("unit")),
            )
            return []
        if item["sku"]:
            dispatcher.utter_message(
                response="utter_ask_quantity",
                sku=item["sku"],
                name=name_of(item),
                unit=unit(item.get("unit")),
            )
            return []
        buttons = product_buttons(item)
        if not item["choices"]:
            response = "utter_product_not_in_catalog"
        elif item.get("carried", True):
            response = "utter_which_product"
        else:
            response = "utter_product_not_carried_closest"
        dispatcher.utter_message(response=response, product=item["mention"], buttons=buttons)
        return []

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        # "yes" / "confirm" while a line names no product of ours: say that this line is what
        # stops the order and how to go on, with its choices, rather than the question again
        items: Items = tracker.get_slot("order_items") or []
        item = first_open(items)
        said_yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        if said_yes and attempts(tracker) and item and not item["sku"]:
            others = [i for i in items if i is not item]
            dispatcher.utter_message(
                response="utter_open_line_stops_order" if others else "utter_open_line_only",
                product=item["mention"],
                buttons=product_buttons(item),
            )
            return [SlotSet(ASIDE, None)]
        return await super().answer(dispatcher, tracker, domain)

    def not_understood(self, tracker: Tracker, tries: int) -> str:
        said_yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        if said_yes and first_open(tracker.get_slot("order_items") or []):
            return "utter_lines_not_settled"  # "yes" / "confirm" while a line is open
        return super().not_understood(tracker, tries)

    def hint_for(self, tracker: Tracker) -> str:
        # a line waiting for its product or quantity: that question again, said differently
        return "" if first_open(tracker.get_slot("order_items") or []) else self.hint_response


def product_buttons(item: dict[str, Any]) -> list[dict[str, str]]:
    """The products a line without one may mean, and the way to take the line off."""
    quantity = f"{item['quantity']} " if item["quantity"] else ""
    return [
        {
            "title": _("{sku} ({name})").format(sku=c["sku"], name=name_of(c)),
            "payload": f"{quantity}{c['sku']}",
        }
        for c in item["choices"]
    ] + [{"title": _("Remove this line"), "payload": "remove it"}]


class ActionAskDeliveryDate(OrderQuestion):
    action_name = "action_ask_delivery_date"
    hint_response = "utter_hint_delivery_date"
    hint_buttons = [
        {"title": N_("As soon as possible"), "payload": "as soon as possible"},
        {"title": N_("Next Friday"), "payload": "next friday"},
    ]

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(response="utter_ask_delivery_date")
        return []


class ActionAskShippingAddress(OrderQuestion):
    action_name = "action_ask_shipping_address"
    hint_response = "utter_hint_shipping_address"
    hint_buttons = [{"title": N_("The usual address"), "payload": "/affirm"}]

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        usual = tracker.get_slot("default_address")
        if usual:
            dispatcher.utter_message(
                response="utter_ask_shipping_address_usual",
                address=usual,
                buttons=[{"title": _("Yes, the usual address"), "payload": "/affirm"}],
            )
        else:
            dispatcher.utter_message(response="utter_ask_shipping_address")
        return []


def fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def channel_of(sender: str) -> str:
    channel = sender.split(":", 1)[0].lower() if ":" in sender else "chat"
    return channel if channel.isalnum() and len(channel) <= 20 else "chat"


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


def preview_lines(order: dict[str, Any]) -> str:
    rows = []
    cur = order.get("currency")
    for line in order["lines"]:
        row = (
            _("• {quantity} x {sku} ({name}) at {unit_price} less {discount} % = {line_total}")
            if float(line["discount_pct"])
            else _("• {quantity} x {sku} ({name}) at {unit_price} = {line_total}")
        )
        rows.append(
            row.format(
                quantity=line["quantity"],
                sku=line["sku"],
                name=name_of(line),
                unit_price=money(line["unit_price"], cur),
                discount=line["discount_pct"],
                line_total=money(line["line_total"], cur),
            )
        )
    return "\n".join(rows)


class ActionAskOrderDecision(OrderQuestion):
    """The priced preview: the ERP's draft for what was collected, with the choices; after
    "no", the question what to change."""

    action_name = "action_ask_order_decision"
    hint_response = "utter_hint_order_decision"
    hint_buttons = DECISION_BUTTONS[:-1]

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        change = tracker.get_slot("order_change")
        if change in ("ask", "items"):
            response = "utter_what_to_change" if change == "ask" else "utter_how_to_change_items"
            buttons = titled(CHANGE_BUTTONS) if change == "ask" else []
            dispatcher.utter_message(response=response, buttons=buttons)
            return [SlotSet("order_change", None)]
        chat, key = tracker.sender_id, tracker.get_slot("order_key") or new_idempotency_key()
        body = order_request(tracker)
        number = tracker.get_slot("draft_number")
        try:
            if number:
                edit = {
                    k: body[k] for k in ("lines", "requested_delivery_date", "shipping_address")
                }
                draft = await self.client.edit_order(
                    chat, number, edit, f"{key}-edit-{fingerprint(edit)}"
                )
            else:
                draft = await self.client.create_order(
                    chat, body, f"{key}-create-{fingerprint(body)}"
                )
        except ErpError as error:
            refused = self.line_refused(error, tracker, dispatcher)
            if refused is None:
                raise
            return refused
        delivery = tracker.get_slot("delivery_date")
        dispatcher.utter_message(
            response="utter_order_preview",
            order_number=draft["number"],
            customer=_("{name} ({code})").format(
                name=customer_name_of(draft), code=draft["customer_code"]
            ),
            lines=preview_lines(draft),
            total=money_of(draft),
            delivery=spoken(date.fromisoformat(delivery))
            if delivery not in (None, "none")
            else _("as soon as possible"),
            address=draft["shipping_address"] or _("(none)"),
            buttons=titled(DECISION_BUTTONS),
        )
        events: Events = [
            SlotSet("draft_number", draft["number"]),
            SlotSet("order_key", key),
            SlotSet("order_change", None),
        ]
        if change == "go_ahead":
            # "yes, go ahead" at the address question: the preview just shown is placed
            return await self.place_at_once(dispatcher, tracker, draft, key) or events
        return events

    async def place_at_once(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, draft: dict[str, Any], key: str
    ) -> Events | None:
        """Submits the draft the preview showed and ends the form; None when the ERP cannot
        be reached (the preview then asks, as it always does)."""
        chat = tracker.sender_id
        try:
            order = await self.client.order_action(chat, draft["number"], "submit", f"{key}-submit")
        except ErpUnavailable:
            return None
        await ActionPlaceOrder(self.client).tell_outcome(dispatcher, chat, order)
        return [
            *reset_order(),
            SlotSet("order_number", order["number"]),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
        ]

    def line_refused(
        self, error: ErpError, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Events | None:
        """A line the ERP would not take: back to that line, saying why in plain words."""
        items: Items = [dict(i) for i in tracker.get_slot("order_items") or []]
        limit = field_limit(error, "quantity")
        if error.code == "VALIDATION_ERROR" and limit is not None:
            index = limit["line"]
            if index is None or index >= len(items):
                return None
            item = items[index]
            dispatcher.utter_message(
                response="utter_quantity_over_limit",
                limit=f"{limit['value']:,}",
                sku=item["sku"],
                unit=unit(item.get("unit")),
            )
            item["quantity"] = None
        elif error.code in ("UNKNOWN_PRODUCT", "PRODUCT_INACTIVE"):
            gone = set(error.details.get("skus") or [])
            for item in items:
                if item["sku"] in gone:
                    dispatcher.utter_message(response="utter_product_not_sold", sku=item["sku"])
                    item.update(sku=None, name=None, choices=[])
        else:
            return None
        return [
            SlotSet("order_items", items),
            SlotSet("order_lines", None),
            SlotSet("requested_slot", "order_lines"),
        ]

    # No preview without the ERP: say why, and offer to try again, change or cancel.
    def say_unavailable(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(response=UNAVAILABLE, buttons=titled(RETRY_BUTTONS))

    def say_refused(
        self, dispatcher: CollectingDispatcher, error: ErpError, domain: dict[str, Any]
    ) -> None:
        super().say_refused(dispatcher, error, domain)
        dispatcher.utter_message(response="utter_change_or_cancel", buttons=titled(CHANGE_BUTTONS))

    def failure_events(self, tracker: Tracker) -> Events:
        return [SlotSet("order_decision", None)]
