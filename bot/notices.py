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
from bot.i18n import N_, _, day, money

Payload = Mapping[str, Any]

REASONS = {
    "CREDIT": N_("over the credit limit"),
    "PRICE": N_("a price below what the rep may give"),
}


def notice_for(event_type: str, payload: Payload) -> Reply | None:
    """The message for an event, in the language being written in (bot/i18n.py `speaking`);
    None for an event that is not news for anyone."""
    word = WORDING.get(event_type)
    return None if word is None else word(payload)


def intent(name: str, **entities: str) -> str:
    """A button payload in Rasa's `/intent{...}` form (what the assistant's buttons carry)."""
    return f"/{name}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{name}"


def _order(payload: Payload) -> str:
    return str(payload["order_number"]) if "order_number" in payload else _("your order")


def _total(payload: Payload, field: str = "total") -> str:
    """An amount of the event, in the event's currency when it names one."""
    return money(payload.get(field), payload.get("currency"))


def _status_button(payload: Payload) -> Button:
    return Button(_("Order status"), intent("check_order_status", order_number=_order(payload)))


def _confirmed(payload: Payload) -> Reply:
    return Reply(
        _(
            "Good news: order {order} (total {total}) is confirmed. "
            "The stock is reserved and the warehouse is preparing it."
        ).format(order=_order(payload), total=_total(payload)),
        (_status_button(payload),),
    )


def _awaiting_stock(payload: Payload) -> Reply:
    missing = _(", ").join(
        _("{quantity} x {sku}").format(quantity=line.get("quantity"), sku=line.get("sku"))
        for line in payload.get("shortfall") or []
        if isinstance(line, Mapping)
    )
    short = _(" Short: {missing}.").format(missing=missing) if missing else ""
    return Reply(
        _(
            "Order {order} is accepted but waiting for stock.{short} "
            "It has been put on the replenishment list; I'll tell you when it is confirmed."
        ).format(order=_order(payload), short=short),
        (_status_button(payload),),
    )


def _shipped(payload: Payload) -> Reply:
    invoice = payload.get("invoice_number")
    billed = _(" Invoice {invoice} is on its way.").format(invoice=invoice) if invoice else ""
    return Reply(
        _(
            "Order {order} has shipped with {carrier}, tracking number {tracking_number}.{billed}"
        ).format(
            order=_order(payload),
            carrier=payload.get("carrier"),
            tracking_number=payload.get("tracking_number"),
            billed=billed,
        ),
        (Button(_("Track it"), intent("track_shipment", order_number=_order(payload))),),
    )


def _cancelled(payload: Payload) -> Reply:
    reason = payload.get("reason")
    if reason:
        words = _(
            "Order {order} has been cancelled ({reason}). Nothing of it will be shipped or billed."
        )
    else:
        words = _("Order {order} has been cancelled. Nothing of it will be shipped or billed.")
    return Reply(words.format(order=_order(payload), reason=reason))


def _rejected(payload: Payload) -> Reply:
    reason = str(payload.get("reason") or _("no reason was given"))
    return Reply(
        _(
            "Order {order} for {customer} was not approved: {reason}. "
            "It is back in draft: change it and submit it again, or cancel it."
        ).format(order=_order(payload), customer=payload.get("customer_code"), reason=reason),
        (_status_button(payload),),
    )


def _approval_requested(payload: Payload) -> Reply:
    number = _order(payload)
    reasons = _(", ").join(
        _(REASONS[str(reason)]) if str(reason) in REASONS else str(reason).lower().replace("_", " ")
        for reason in payload.get("reasons") or []
    )
    return Reply(
        _("Order {order} for {customer} (total {total}) needs your approval: {reasons}.").format(
            order=number,
            customer=payload.get("customer_code"),
            total=_total(payload),
            reasons=reasons or _("held for review"),
        ),
        (
            Button(
                _("Approve {number}").format(number=number),
                intent("approve_order", order_number=number),
            ),
            Button(
                _("Reject {number}").format(number=number),
                intent("reject_order", order_number=number),
            ),
        ),
    )


def _overdue(payload: Payload) -> Reply:
    days = payload.get("days_overdue")
    if not days:
        late = _("overdue")
    elif days == 1:
        late = _("{days} day overdue").format(days=days)
    else:
        late = _("{days} days overdue").format(days=days)
    # An opening invoice (imported from the previous system) has no order to name.
    order = (
        _(" (order {order})").format(order=payload["order_number"])
        if payload.get("order_number")
        else ""
    )
    return Reply(
        _(
            "Invoice {invoice}{order} is {late}: {balance} is still open, due on {due_on}. "
            "If you have paid already, thank you, and please ignore this message."
        ).format(
            invoice=payload.get("invoice_number"),
            order=order,
            late=late,
            balance=_total(payload, "balance"),
            due_on=day(payload.get("due_on")),
        ),
        (Button(_("My invoices"), intent("my_invoices")),),
    )


def _return_received(payload: Payload) -> Reply:
    return Reply(
        _(
            "We have received return {return_number} for order {order}. "
            "Credit note {credit_note} for {amount} has been issued against invoice {invoice}."
        ).format(
            return_number=payload.get("return_number"),
            order=_order(payload),
            credit_note=payload.get("credit_note_number"),
            amount=_total(payload, "credit_amount"),
            invoice=payload.get("invoice_number"),
        )
    )


def _replenishment_requested(payload: Payload) -> Reply:
    sku = payload["sku"] if "sku" in payload else _("a product")
    name = payload["name"] if "name" in payload else _("see the catalog")
    quantity = payload["quantity"] if "quantity" in payload else _("the reorder quantity")
    available = payload.get("available")
    below = (
        _(" Available is {available}, under its reorder point of {reorder_point}.").format(
            available=available, reorder_point=payload.get("reorder_point")
        )
        if available is not None
        else ""
    )
    return Reply(
        _(
            "Replenishment needed: {sku} ({name}).{below} A request for {quantity} has been "
            "opened; book the goods in as a stock receipt when they arrive."
        ).format(sku=sku, name=name, below=below, quantity=quantity)
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
