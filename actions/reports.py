"""What is running low, for the staff who may see it, and what every report action shares;
sales of a period, best products and customers, KPIs and forecasts are in
actions/analytics.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events
from actions.erp_client import ErpError
from actions.formatting import name_of
from actions.i18n import _
from actions.replies import refused_a_customer

# The gateway draws a chart message as an image: a Telegram photo, an <img> in the web chat.
MONTHLY_SALES_CHART = "monthly-sales"


class ReportAction(ErpAction):
    """A customer asking for company figures is told politely what they can ask instead."""

    def say_refused(
        self, dispatcher: CollectingDispatcher, error: ErpError, domain: dict[str, Any]
    ) -> None:
        if error.code == "FORBIDDEN" and refused_a_customer(error):
            dispatcher.utter_message(response="utter_reports_for_staff")
            return  # a staff member lacking the role is told who has it (say_refusal)
        super().say_refused(dispatcher, error, domain)


def growth_words(pct: str | None, base: str) -> str:
    """ ", up 8.1 % on last year" — nothing where there is no base to compare with; `base` is
    in the turn's language already."""
    if pct is None:
        return ""
    value = Decimal(pct)
    if value == 0:
        return _(", level with {base}").format(base=base)
    growth = _(", up {pct} % on {base}") if value > 0 else _(", down {pct} % on {base}")
    return growth.format(pct=abs(value), base=base)


class ActionLowStock(ReportAction):
    """ "What's running low?" — products under their reorder point and what is on order."""

    action_name = "action_low_stock"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        products = await self.client.low_stock(tracker.sender_id)
        if not products:
            dispatcher.utter_message(response="utter_nothing_low")
            return []
        lines = "\n".join(
            (
                _(
                    "• {sku} {name}: {available} available, reorder point {reorder_point}, "
                    "{on_order} on order"
                )
                if p["on_order"]
                else _("• {sku} {name}: {available} available, reorder point {reorder_point}")
            ).format(
                sku=p["sku"],
                name=name_of(p),
                available=p["available"],
                reorder_point=p["reorder_point"],
                on_order=p["on_order"],
            )
            for p in products[:10]
        )
        more = len(products) - 10
        if more > 0:
            lines += "\n" + _("…and {count} more.").format(count=more)
        dispatcher.utter_message(response="utter_low_stock", count=len(products), products=lines)
        return []
