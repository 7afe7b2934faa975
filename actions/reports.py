"""Sales figures, top customers and what is running low, for the staff who may see them."""

from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events
from actions.erp_client import ErpError

# The gateway draws a chart message as an image: a Telegram photo, an <img> in the web chat.
MONTHLY_SALES_CHART = "monthly-sales"
TOP_CUSTOMERS = 5


class ReportAction(ErpAction):
    """A customer asking for company figures is told politely what they can ask instead."""

    def say_refused(
        self, dispatcher: CollectingDispatcher, error: ErpError, domain: dict[str, Any]
    ) -> None:
        if error.code == "FORBIDDEN":
            dispatcher.utter_message(response="utter_reports_for_staff")
            return
        super().say_refused(dispatcher, error, domain)


def growth_words(pct: str | None, base: str) -> str:
    """ ", up 8.1 % on last year" — nothing where there is no base to compare with."""
    if pct is None:
        return ""
    value = Decimal(pct)
    if value == 0:
        return f", level with {base}"
    return f", {'up' if value > 0 else 'down'} {abs(value)} % on {base}"


class ActionSalesReport(ReportAction):
    """ "Sales this month", "how are we doing vs last year": this month so far and the year
    to date against the same stretch of last year, with the monthly chart."""

    action_name = "action_sales_report"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        report = await self.client.monthly_sales(tracker.sender_id)
        if not report["months"]:
            dispatcher.utter_message(response="utter_no_sales_yet")
            return []
        month = report["months"][-1]
        name = calendar.month_name[month["month"]]
        dispatcher.utter_message(
            response="utter_sales_report",
            month=name + (" so far" if not month["complete"] else ""),
            month_orders=month["orders"],
            month_revenue=month["revenue"],
            month_growth=growth_words(month["growth_vs_last_year_pct"], f"{name} last year"),
            year=report["year"],
            year_orders=report["orders"],
            year_revenue=report["revenue"],
            year_growth=growth_words(
                report["growth_vs_last_year_pct"], "the same period last year"
            ),
        )
        dispatcher.utter_message(
            json_message={"chart": {"name": MONTHLY_SALES_CHART, "year": report["year"]}}
        )
        return []


class ActionTopCustomers(ReportAction):
    action_name = "action_top_customers"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        abc = await self.client.top_customers(tracker.sender_id)
        buying = [item for item in abc["items"] if Decimal(item["revenue"]) > 0]
        if not buying:
            dispatcher.utter_message(response="utter_no_sales_yet")
            return []
        lines = "\n".join(
            f"{rank}. {item['key']} {item['name']}: {item['revenue']} ({item['share_pct']} %)"
            for rank, item in enumerate(buying[:TOP_CUSTOMERS], start=1)
        )
        a_class = next(c for c in abc["classes"] if c["abc_class"] == "A")
        dispatcher.utter_message(
            response="utter_top_customers",
            start=abc["start"],
            customers=lines,
            a_count=a_class["count"],
            a_pct=abc["a_pct"],
        )
        return []


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
            f"• {p['sku']} {p['name']}: {p['available']} available, reorder point "
            f"{p['reorder_point']}" + (f", {p['on_order']} on order" if p["on_order"] else "")
            for p in products[:10]
        )
        more = len(products) - 10
        dispatcher.utter_message(
            response="utter_low_stock",
            count=len(products),
            products=lines + (f"\n…and {more} more." if more > 0 else ""),
        )
        return []
