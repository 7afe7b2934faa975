"""What a message means when the model read no request in it ("inform", a low confidence, or
"out of scope") outside a form: "order 12 HINGE-BUTT-75 asap" still starts an order, a bare
order number or "the second one" after a list still asks about that order, and a follow-up
to a report that only names another period or limit ("and october last year?", "vs q3?",
"and over 90?") asks the same report again for it. Only when nothing in the message is usable
does the bot say it did not understand."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.analytics import (
    ActionKpis,
    ActionOrderVolume,
    ActionSalesReport,
    ActionTopCustomers,
    ActionTopProducts,
)
from actions.base import ErpAction, Events, entity, intent_of, text_of
from actions.context import listed_position
from actions.finance import OVER_DAYS, ActionOverdueInvoices
from actions.order_lines import requested_lines
from actions.order_start import ActionStartOrder
from actions.orders import ActionOrderStatus
from actions.periods import period_in


class ActionInterpret(ErpAction):
    action_name = "action_interpret"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        lines = requested_lines(text_of(tracker), tracker.latest_message.get("entities", []))
        if any(line.quantity for line in lines):
            return await ActionStartOrder(self.client).run(dispatcher, tracker, domain)
        if entity(tracker, "order_number") or listed_position(tracker):
            return await ActionOrderStatus(self.client).run(dispatcher, tracker, domain)
        if report := follow_up(tracker):
            return await report(self.client).run(dispatcher, tracker, domain)
        understood = (
            "utter_out_of_scope" if intent_of(tracker) == "out_of_scope" else "utter_default"
        )
        dispatcher.utter_message(response=understood)
        return []


# Reports a follow-up may ask again with another period ("and last month?") or limit
# ("and over 90?"), by the action that answered the last question.
FOLLOW_UPS: dict[str, type[ErpAction]] = {
    action.action_name: action
    for action in (
        ActionSalesReport,
        ActionTopProducts,
        ActionTopCustomers,
        ActionKpis,
        ActionOrderVolume,
        ActionOverdueInvoices,
    )
}
# "vs october?", "compared with q3": on its own, the period is the one asked about
ONLY_COMPARED = re.compile(r"^\s*(?:and\s+)?(?:vs\.?|versus|compared (?:to|with)|against)\s+", re.I)
MOST_WORDS = 8  # a follow-up is short; a longer message is a question of its own


def follow_up(tracker: Tracker) -> type[ErpAction] | None:
    """The report to ask again when the message only names a period or a number of days and
    the chat's last answer was that report; the message is read as that period then."""
    text = ONLY_COMPARED.sub("", text_of(tracker))
    if len(text.split()) > MOST_WORDS:
        return None
    last = last_answer(tracker)
    if last not in FOLLOW_UPS:
        return None
    report = FOLLOW_UPS[last]
    names_period = period_in(text, date.today()) is not None
    names_days = report is ActionOverdueInvoices and OVER_DAYS.search(text) is not None
    if not (names_period or names_days):
        return None
    tracker.latest_message = {**tracker.latest_message, "text": text}
    return report


def last_answer(tracker: Tracker) -> str | None:
    """The action that answered the chat's last question (listening, this action and plain
    replies skipped)."""
    for event in reversed(tracker.events):
        name = event.get("name") if event.get("event") == "action" else None
        if (
            name is None
            or name in ("action_listen", "action_interpret")
            or name.startswith("utter_")
        ):
            continue
        return str(name)
    return None
