"""ERP outcomes to the responses a user reads (the texts live in domain/erp.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions import i18n
from actions.erp_client import ErpError
from actions.formatting import money
from actions.i18n import N_, _

# Every error code of docs/errors.md has a response `utter_erp_<code in lower case>`.
UNAVAILABLE = "utter_erp_unavailable"
UNKNOWN_ERROR = "utter_erp_refused"

STATUS_WORDS = {
    "draft": N_("a draft, not submitted yet"),
    "pending_approval": N_("waiting for approval"),
    "awaiting_stock": N_("waiting for stock"),
    "confirmed": N_("confirmed and with the warehouse"),
    "picking": N_("being picked in the warehouse"),
    "packed": N_("packed and waiting for the carrier"),
    "shipped": N_("on its way"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
}


# The words for the fields a validation error may name; any other says "one of the values".
FIELD_WORDS = {
    "quantity": N_("quantity"),
    "requested_delivery_date": N_("delivery date"),
    "shipping_address": N_("delivery address"),
    "discount_pct": N_("discount"),
    "reason": N_("reason"),
    "code": N_("code"),
    "amount": N_("amount"),
}
ANY_FIELD = N_("one of the values")

# A staff member asking for what another role does (docs/errors.md FORBIDDEN names the
# permission missing): who does it, and what this account can ask instead. A customer asking
# for company figures is answered by the report actions (utter_reports_for_staff).
NOT_YOUR_ROLE = {
    "read_receivables": N_(
        "Receivables and overdue accounts across customers are for finance and managers. For "
        'one customer, ask "what does CUST-0012 owe?" or "invoices for baker and sons".'
    ),
    "approve_orders": N_(
        "Held orders are approved or rejected by finance and managers. "
        '"What is waiting for approval?" shows where they stand.'
    ),
    "read_statements": N_(
        "Statements of account are for finance and managers. "
        '"What does CUST-0012 owe?" gives the credit figures.'
    ),
    "place_orders": N_("Orders are placed by customers and sales reps."),
    "read_reports": N_("Sales figures and reports are for sales reps, finance and managers."),
}


def field_limit(error: ErpError, field: str) -> dict[str, Any] | None:
    """The bound the ERP's validation gave for `field` ("body.lines.0.quantity" at most
    100000 → {"line": 0, "value": 100000}), or None when that is not what it refused."""
    for problem in error.details.get("errors") or []:
        parts = str(problem.get("field", "")).split(".")
        if parts[-1] == field and "limit" in problem:
            line = next((int(p) for p in parts if p.isdigit()), None)
            return {"line": line, "value": problem["limit"]}
    return None


def validation_words(error: ErpError) -> str:
    """A validation refusal in plain words: which value, and the bound it broke; the ERP's
    own sentence when it came from a business rule (those are written for people)."""
    problems = error.details.get("errors") or []
    if not problems:
        return error.message
    problem = problems[0]
    field = str(problem.get("field", "")).split(".")[-1]
    what = _(FIELD_WORDS.get(field, ANY_FIELD))
    kind, limit = str(problem.get("type", "")), problem.get("limit")
    if limit is not None and kind in ("less_than_equal", "less_than"):
        return _("The {what} can be at most {limit}.").format(what=what, limit=f"{limit:,}")
    if limit is not None and kind in ("greater_than_equal", "greater_than"):
        return _("The {what} must be at least {limit}.").format(what=what, limit=f"{limit:,}")
    if limit is not None and kind == "string_too_long":
        return _("The {what} is too long: at most {limit} characters.").format(
            what=what, limit=f"{limit:,}"
        )
    return _("The {what} wasn't in a form I can use.").format(what=what)


# The ERP's INVALID_TRANSITION in words, by the action it refused (its `details.action`).
CANNOT_BE = {
    "edit": N_("An order that is {status} cannot be changed."),
    "submit": N_("An order that is {status} cannot be submitted."),
    "approve": N_("An order that is {status} cannot be approved."),
    "reject": N_("An order that is {status} cannot be rejected."),
    "cancel": N_("An order that is {status} cannot be cancelled."),
    "pick": N_("An order that is {status} cannot be picked."),
    "pack": N_("An order that is {status} cannot be packed."),
    "ship": N_("An order that is {status} cannot be shipped."),
    "deliver": N_("An order that is {status} cannot be delivered."),
}


def refusal_words(error: ErpError) -> str:
    """The ERP's refusal in the turn's language. The ERP writes its sentences in English, for
    people; in another language the common refusals are worded here from the error's details
    (its code and details are the stable contract, docs/errors.md), the rest kept as the ERP
    wrote them."""
    if error.code == "VALIDATION_ERROR":
        return validation_words(error)
    if i18n.current() == i18n.DEFAULT:
        return error.message
    details, code = error.details, error.code
    listed = "、".join(str(sku) for sku in details.get("skus") or [])
    if code in ("UNKNOWN_PRODUCT", "PRODUCT_INACTIVE") and listed:
        return listed
    if code == "UNKNOWN_CUSTOMER" and details.get("customer_code"):
        return str(details["customer_code"])
    status, action = details.get("status"), details.get("action")
    if code == "INVALID_TRANSITION" and status in STATUS_WORDS and action in CANNOT_BE:
        return _(CANNOT_BE[str(action)]).format(status=status_words(str(status)))
    if code == "RETURN_NOT_ALLOWED" and status in STATUS_WORDS and details.get("order_number"):
        return _("Only delivered orders can be returned; {order} is {status}.").format(
            order=details["order_number"], status=status_words(str(status))
        )
    if code == "RETURN_NOT_ALLOWED" and details.get("lines"):
        return _("; ").join(
            _("{sku} is not on {order}").format(sku=line["sku"], order=details["order_number"])
            if line.get("left") is None
            else _("{sku}: {asked} asked, {left} can still be returned").format(**line)
            for line in details["lines"]
        )
    if code == "CREDIT_LIMIT_EXCEEDED" and "exposure" in details and "credit_limit" in details:
        return _("It would owe {exposure} against a credit limit of {limit}.").format(
            exposure=money(details["exposure"]), limit=money(details["credit_limit"])
        )
    if code == "OVERPAYMENT" and {"invoice_number", "balance", "amount"} <= details.keys():
        return _("{invoice} has {balance} open; a payment of {amount} is too much.").format(
            invoice=details["invoice_number"],
            balance=money(details["balance"]),
            amount=money(details["amount"]),
        )
    return error.message


def response_for(error: ErpError) -> str:
    return f"utter_erp_{error.code.lower()}"


def refused_a_customer(error: ErpError) -> bool:
    """A FORBIDDEN said to a customer's chat (or to one whose role the ERP did not name)."""
    return error.details.get("role") in ("customer", None)


def say_refusal(dispatcher: CollectingDispatcher, error: ErpError, known: set[str]) -> None:
    """The plain-language reply for the ERP's code; its own message where we have none."""
    name = response_for(error)
    words = refusal_words(error)
    if error.code == "FORBIDDEN":  # a customer is not sent to another role
        staff = not refused_a_customer(error)
        hint = NOT_YOUR_ROLE.get(str(error.details.get("permission"))) if staff else None
        name, words = ("utter_erp_forbidden_for_role", _(hint)) if hint else (name, "")
    dispatcher.utter_message(response=name if name in known else UNKNOWN_ERROR, erp_message=words)


def status_words(status: str) -> str:
    """An order's status as the end of "Order SO-2026-00042 is ...", in the turn's language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status.replace("_", " ")


def responses_of(domain: dict[str, Any]) -> set[str]:
    return set(domain.get("responses", {}))
