"""What a chat is told about an ERP event: the wording of proactive messages, with buttons.

The ERP decides who hears about what (each event's `audience`); this module only words it.
Buttons carry the same payloads as the assistant's own buttons (`/approve_order{...}`), so a
press is an ordinary turn of the conversation. Why the gateway words these and not Rasa:
docs/gateway.md ("Proactive messages").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from bot.assistant import Button, Reply

Payload = Mapping[str, Any]

REASONS = {"CREDIT": "over the credit limit", "PRICE": "a price below what the rep may give"}


def notice_for(event_type: str, payload: Payload) -> Reply | None:
    """The message for an event; None for an event that is not news for anyone."""
    word = WORDING.get(event_type)
    return None if word is None else word(payload)


def intent(name: str, **entities: str) -> str:
    """A button payload in Rasa's `/intent{...}` form (what the assistant's buttons carry)."""
    return f"/{name}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{name}"


def _order(payload: Payload) -> str:
    return str(payload.get("order_number", "your order"))


def _status_button(payload: Payload) -> Button:
    return Button("Order status", intent("check_order_status", order_number=_order(payload)))


def _confirmed(payload: Payload) -> Reply:
    return Reply(
        f"Good news: order {_order(payload)} (total {payload.get('total')}) is confirmed. "
        "The stock is reserved and the warehouse is preparing it.",
        (_status_button(payload),),
    )


def _awaiting_stock(payload: Payload) -> Reply:
    missing = ", ".join(
        f"{line.get('quantity')} x {line.get('sku')}"
        for line in payload.get("shortfall") or []
        if isinstance(line, Mapping)
    )
    short = f" Short: {missing}." if missing else ""
    return Reply(
        f"Order {_order(payload)} is accepted but waiting for stock.{short} "
        "It has been put on the replenishment list; I'll tell you when it is confirmed.",
        (_status_button(payload),),
    )


def _shipped(payload: Payload) -> Reply:
    invoice = payload.get("invoice_number")
    billed = f" Invoice {invoice} is on its way." if invoice else ""
    return Reply(
        f"Order {_order(payload)} has shipped with {payload.get('carrier')}, tracking number "
        f"{payload.get('tracking_number')}.{billed}",
        (Button("Track it", intent("track_shipment", order_number=_order(payload))),),
    )


def _cancelled(payload: Payload) -> Reply:
    reason = payload.get("reason")
    return Reply(
        f"Order {_order(payload)} has been cancelled"
        + (f" ({reason})" if reason else "")
        + ". Nothing of it will be shipped or billed."
    )


def _rejected(payload: Payload) -> Reply:
    reason = str(payload.get("reason") or "no reason was given")
    return Reply(
        f"Order {_order(payload)} for {payload.get('customer_code')} was not approved: {reason}. "
        "It is back in draft: change it and submit it again, or cancel it.",
        (_status_button(payload),),
    )


def _approval_requested(payload: Payload) -> Reply:
    number = _order(payload)
    reasons = ", ".join(
        REASONS.get(str(reason), str(reason).lower().replace("_", " "))
        for reason in payload.get("reasons") or []
    )
    return Reply(
        f"Order {number} for {payload.get('customer_code')} (total {payload.get('total')}) "
        f"needs your approval: {reasons or 'held for review'}.",
        (
            Button(f"Approve {number}", intent("approve_order", order_number=number)),
            Button(f"Reject {number}", intent("reject_order", order_number=number)),
        ),
    )


def _overdue(payload: Payload) -> Reply:
    days = payload.get("days_overdue")
    late = f"{days} day{'s' if days != 1 else ''} overdue" if days else "overdue"
    # An opening invoice (imported from the previous system) has no order to name.
    order = f" (order {payload['order_number']})" if payload.get("order_number") else ""
    return Reply(
        f"Invoice {payload.get('invoice_number')}{order} is {late}: "
        f"{payload.get('balance')} is still open, due on {payload.get('due_on')}. "
        "If you have paid already, thank you, and please ignore this message.",
        (Button("My invoices", intent("my_invoices")),),
    )


def _return_received(payload: Payload) -> Reply:
    return Reply(
        f"We have received return {payload.get('return_number')} for order {_order(payload)}. "
        f"Credit note {payload.get('credit_note_number')} for {payload.get('credit_amount')} "
        f"has been issued against invoice {payload.get('invoice_number')}."
    )


def _replenishment_requested(payload: Payload) -> Reply:
    sku = payload.get("sku", "a product")
    available = payload.get("available")
    below = (
        f" Available is {available}, under its reorder point of {payload.get('reorder_point')}."
        if available is not None
        else ""
    )
    return Reply(
        f"Replenishment needed: {sku} ({payload.get('name', 'see the catalog')}).{below} "
        f"A request for {payload.get('quantity', 'the reorder quantity')} has been opened; "
        "book the goods in as a stock receipt when they arrive."
    )


WORDING: Mapping[str, Callable[[Payload], Reply]] = {
    "order.confirmed": _confirmed,
    "order.awaiting_stock": _awaiting_stock,
    "order.shipped": _shipped,
    "order.cancelled": _cancelled,
    "order.rejected": _rejected,
    "approval.requested": _approval_requested,
    "invoice.overdue": _overdue,
    "return.received": _return_received,
    "replenishment.requested": _replenishment_requested,
}
