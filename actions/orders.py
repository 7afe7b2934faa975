"""Order questions: status, tracking, the chat's orders — with the conversation's context
("where's my stuff?", "and when will it arrive?", "the second one"; actions/context.py)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import i18n
from actions.approvals import reasons_words
from actions.base import ErpAction, Events, entity, text_of
from actions.context import (
    OPEN_STATUSES,
    asks_for_open,
    numbered_buttons,
    order_referred,
    recent_orders,
)
from actions.customer_match import customer_in_question
from actions.dates import spoken
from actions.erp_client import ErpClient
from actions.formatting import customer_name_of, moment, money_of, name_of
from actions.i18n import N_, _
from actions.order_lines import requested_lines
from actions.replies import status_words

# "what was on it?", "what's in my last order", "which items": the lines too
ASKS_FOR_LINES = re.compile(
    r"\bwhat(?:'s| is| was| were)? (?:in|on)\b|\bwhat did (?:i|we) order\b|\b(?:lines|items"
    r"|contents|products)\b",
    re.IGNORECASE,
)


async def order_meant(
    client: ErpClient, tracker: Tracker, dispatcher: CollectingDispatcher
) -> dict[str, Any] | None:
    """The order the message means: named, referred to, the only open one; several open
    ones are listed to choose from, none is said. None when the user has to choose."""
    number = await order_referred(client, tracker)
    if number is not None:
        return await client.order(tracker.sender_id, number)
    customer = await customer_in_question(client, tracker)
    open_orders = await recent_orders(client, tracker.sender_id, OPEN_STATUSES, customer=customer)
    if len(open_orders) == 1:
        return open_orders[0]
    if open_orders:
        say_list(dispatcher, open_orders, "utter_which_open_order", "check_order_status")
        return None
    latest = await recent_orders(client, tracker.sender_id, limit=1, customer=customer)
    if not latest:
        dispatcher.utter_message(response="utter_no_orders_yet")
        return None
    return latest[0]


def say_list(
    dispatcher: CollectingDispatcher, orders: list[dict[str, Any]], response: str, payload: str
) -> Events:
    """A numbered list of orders with numbered buttons; "the second one" then refers to it."""
    # a customer's own list does not repeat their name; a rep's shows whose order it is
    several = len({o["customer_code"] for o in orders}) > 1
    line = (
        _("{index}. {number} ({code} {name}): {status}, {total}")
        if several
        else _("{index}. {number}: {status}, {total}")
    )
    lines = "\n".join(
        line.format(
            index=index,
            number=o["number"],
            code=o["customer_code"],
            name=customer_name_of(o),
            status=status_words(o["status"]),
            total=money_of(o),
        )
        for index, o in enumerate(orders, start=1)
    )
    dispatcher.utter_message(
        response=response,
        orders=lines,
        count=len(orders),
        buttons=numbered_buttons(orders, payload, lambda o: status_words(o["status"])),
    )
    return [SlotSet("listed_orders", [o["number"] for o in orders])]


def arrival_words(order: dict[str, Any]) -> str:
    """When the order should arrive, as far as the ERP knows."""
    wanted = order.get("requested_delivery_date")
    if order["status"] == "delivered":
        return ""
    if wanted:
        return _(" It is due for delivery on {day}.").format(day=spoken(date.fromisoformat(wanted)))
    return _(" No delivery date was asked for: it goes out as soon as it is ready.")


class ActionOrderStatus(ErpAction):
    """ "Where is SO-2026-00042?", "where's my stuff?", "and when will it arrive?"."""

    action_name = "action_order_status"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        entities = tracker.latest_message.get("entities") or []
        if not entity(tracker, "order_number") and any(
            line.quantity for line in requested_lines(text_of(tracker), entities)
        ):
            # "order 5 NOPE-0000" read as a question about order 5: a quantity of a product
            # is an order being placed
            return [FollowupAction("action_start_order")]
        order = await order_meant(self.client, tracker, dispatcher)
        if order is None:
            return []
        dispatcher.utter_message(
            response="utter_order_status",
            order_number=order["number"],
            status=status_words(order["status"]),
            total=money_of(order),
            arrival=arrival_words(order),
        )
        if ASKS_FOR_LINES.search(str(tracker.latest_message.get("text") or "")):
            lines = "\n".join(
                _("• {quantity} x {sku} ({name})").format(
                    quantity=line["quantity"], sku=line["sku"], name=name_of(line)
                )
                for line in order["lines"]
            )
            dispatcher.utter_message(response="utter_order_lines", lines=lines)
        if order.get("tracking_number"):
            dispatcher.utter_message(
                response="utter_order_tracking",
                carrier=order["carrier"],
                tracking_number=order["tracking_number"],
            )
        return [SlotSet("order_number", order["number"])]


class ActionListMyOrders(ErpAction):
    """The chat's five most recent orders, or its open ones when asked ("what's still
    open?"); a rep or manager sees everyone's. Numbered, so "the second one" works."""

    action_name = "action_list_my_orders"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        only_open = asks_for_open(tracker)
        statuses = OPEN_STATUSES if only_open else None
        customer = await customer_in_question(self.client, tracker)
        orders = await recent_orders(self.client, tracker.sender_id, statuses, customer=customer)
        events: Events = [SlotSet("customer_discussed", customer)] if customer else []
        if not orders:
            dispatcher.utter_message(
                response="utter_no_open_orders" if only_open else "utter_no_orders_yet"
            )
            return events
        response = "utter_my_open_orders" if only_open else "utter_my_orders"
        return events + say_list(dispatcher, orders, response, "check_order_status")


# An order's events in the chat's language. The ERP's notes are English sentences for people
# (docs/reports.md): an English chat reads them as written; another language words the event
# from its kind and data.
EVENT_WORDS = {
    "created": N_("Draft created."),
    "edited": N_("Lines changed and repriced."),
    "submitted": N_("Submitted."),
    "approval_requested": N_("Held for approval: {reasons}."),
    "approved": N_("Approved."),
    "rejected": N_("Rejected: {reason}. Back to draft for changes."),
    "cancelled": N_("Cancelled."),
    "awaiting_stock": N_("Not enough stock for every line; the order waits for a receipt."),
    "confirmed": N_("Confirmed; the warehouse has been notified."),
    "picking": N_("Being picked in the warehouse."),
    "packed": N_("Packed, waiting for the carrier."),
    "shipped": N_("Shipped with {carrier}, tracking {tracking_number}. Invoice {invoice_number}."),
    "delivered": N_("Delivered."),
    "return_requested": N_("Return {return_number} requested."),
    "return_received": N_("Return {return_number} received; credit note {credit_note_number}."),
}


def event_words(event: dict[str, Any]) -> str:
    """One line of an order's timeline: the ERP's note in English, else the event's words."""
    if i18n.current() == i18n.DEFAULT and event.get("note"):
        return str(event["note"])
    data = dict(event.get("data") or {})
    data["reasons"] = reasons_words(list(data.get("reasons") or []))
    words = EVENT_WORDS.get(str(event.get("kind")))
    try:
        return _(words).format(**data) if words else status_words(str(event["status"]))
    except (KeyError, IndexError):  # an event recorded without the data its words name
        return status_words(str(event["status"]))


class ActionTrackShipment(ErpAction):
    """ "Track SO-2026-00042", "tracking number?": carrier, tracking number, timeline."""

    action_name = "action_track_shipment"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = await order_referred(self.client, tracker) or tracker.get_slot("order_number")
        if number:
            order: dict[str, Any] | None = await self.client.order(tracker.sender_id, number)
        else:
            order = await order_meant(self.client, tracker, dispatcher)
        if order is None:
            return []
        events = await self.client.order_events(tracker.sender_id, order["number"])
        timeline = "\n".join(
            _("• {at}: {what}").format(at=timestamp(e["at"]), what=event_words(e)) for e in events
        )
        if order.get("tracking_number"):
            dispatcher.utter_message(
                response="utter_order_tracking_timeline",
                order_number=order["number"],
                carrier=order["carrier"],
                tracking_number=order["tracking_number"],
                timeline=timeline,
            )
        else:
            dispatcher.utter_message(
                response="utter_order_not_shipped_timeline",
                order_number=order["number"],
                status=status_words(order["status"]),
                timeline=timeline,
            )
        return [SlotSet("order_number", order["number"])]


def timestamp(at: str) -> str:
    """ "2026-11-24T10:02:11Z" → "24 Nov 10:02" (UTC, as the ERP keeps it)."""
    return moment(datetime.fromisoformat(at.replace("Z", "+00:00")))
