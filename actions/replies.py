"""ERP outcomes to the responses a user reads (the texts live in domain/erp.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.erp_client import ErpError

# Every error code of docs/errors.md has a response `utter_erp_<code in lower case>`.
UNAVAILABLE = "utter_erp_unavailable"
UNKNOWN_ERROR = "utter_erp_refused"

STATUS_WORDS = {
    "draft": "a draft, not submitted yet",
    "pending_approval": "waiting for approval",
    "awaiting_stock": "waiting for stock",
    "confirmed": "confirmed and with the warehouse",
    "picking": "being picked in the warehouse",
    "packed": "packed and waiting for the carrier",
    "shipped": "on its way",
    "delivered": "delivered",
    "cancelled": "cancelled",
}


def response_for(error: ErpError) -> str:
    return f"utter_erp_{error.code.lower()}"


def say_refusal(dispatcher: CollectingDispatcher, error: ErpError, known: set[str]) -> None:
    """The plain-language reply for the ERP's code; its own message where we have none."""
    name = response_for(error)
    if name in known:
        dispatcher.utter_message(response=name, erp_message=error.message)
    else:
        dispatcher.utter_message(response=UNKNOWN_ERROR, erp_message=error.message)


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " "))


def responses_of(domain: dict[str, Any]) -> set[str]:
    return set(domain.get("responses", {}))
