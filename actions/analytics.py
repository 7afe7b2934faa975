"""Managers' questions over a period named in words (actions/periods.py): sales with growth
against the period before and the same period last year, best products and customers, KPIs,
order volume, a product's demand forecast."""

from __future__ import annotations

import calendar
import re
from abc import abstractmethod
from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Events, entity, text_of
from actions.chinese import has_han
from actions.context import ZH_LATEST_ORDER
from actions.dates import spoken
from actions.erp_client import ErpClient
from actions.formatting import listed, long_day, money, money_of, month_name, name_of, unit
from actions.i18n import _
from actions.orders import ActionOrderStatus
from actions.periods import COMPARED_WITH, Period, last_days, period_in
from actions.product_match import choose
from actions.reports import MONTHLY_SALES_CHART, ReportAction, growth_words

TOP = 5


def period_named(tracker: Tracker, today: date | None = None) -> Period | None:
    """The period the message names ("sales in march"), not the one it compares with ("vs
    last year"); None when it names none."""
    today = today or date.today()
    text = COMPARED_WITH.sub("", text_of(tracker))
    found = period_in(text, today)
    said = entity(tracker, "period")
    if found is None and said and said.lower() in text.lower():
        found = period_in(said, today)
    return found


def asked_period(tracker: Tracker, default_days: int, today: date | None = None) -> Period:
    """The period the message names, else the last `default_days` days."""
    today = today or date.today()
    found = period_named(tracker, today)
    if found:
        return found
    return last_days(default_days, today)


def span_words(start: str, end: str) -> str:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if first == last:
        return spoken(first)
    return _("{start} to {end}").format(start=long_day(first), end=long_day(last))


def growth_on_the_period_before(report: dict[str, Any]) -> str:
    """ ", up 8.1 % on the period before (1 to 7 November)" from a /reports/sales answer."""
    before = span_words(report["previous_start"], report["previous_end"])
    return growth_words(
        report["growth_vs_previous_pct"], _("the period before ({span})").format(span=before)
    )


async def say_period_sales(
    client: ErpClient, dispatcher: CollectingDispatcher, tracker: Tracker, period: Period
) -> Events:
    """ "sales in march", "q3 vs q2", "how did last year go": the period's booked orders and
    revenue, growth on the period before and on the same dates a year earlier, and the
    monthly chart of that year."""
    report = await client.period_report(tracker.sender_id, "sales", period.start, period.end)
    dispatcher.utter_message(
        response="utter_period_sales",
        period=period.label,
        orders=report["orders"],
        revenue=money_of(report, "revenue"),
        vs_previous=growth_on_the_period_before(report),
        vs_last_year=growth_words(report["growth_vs_last_year_pct"], _("the same dates last year")),
    )
    dispatcher.utter_message(
        json_message={"chart": {"name": MONTHLY_SALES_CHART, "year": period.end.year}}
    )
    return []


class ActionSalesReport(ReportAction):
    """ "Sales", "how are we doing": this month so far and the year to date against the same
    stretch of last year, with the monthly chart; a period named ("sales in march", "q3")
    is answered for that period (say_period_sales)."""

    action_name = "action_sales_report"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        named = period_named(tracker)
        if named:
            return await say_period_sales(self.client, dispatcher, tracker, named)
        report = await self.client.monthly_sales(tracker.sender_id)
        if not report["months"]:
            dispatcher.utter_message(response="utter_no_sales_yet")
            return []
        month = report["months"][-1]
        name = month_name(month["month"])
        month_growth = growth_words(
            month["growth_vs_last_year_pct"], _("{month} last year").format(month=name)
        )
        if not month_growth:  # no last year to compare with: the same days of the month before
            month_growth = await self.on_the_month_before(tracker, report["year"], month["month"])
        dispatcher.utter_message(
            response="utter_sales_report",
            month=name if month["complete"] else _("{month} so far").format(month=name),
            month_orders=month["orders"],
            month_revenue=money(month["revenue"], report.get("currency")),
            month_growth=month_growth,
            year=report["year"],
            year_orders=report["orders"],
            year_revenue=money_of(report, "revenue"),
            year_growth=growth_words(
                report["growth_vs_last_year_pct"], _("the same period last year")
            ),
        )
        dispatcher.utter_message(
            json_message={"chart": {"name": MONTHLY_SALES_CHART, "year": report["year"]}}
        )
        return []

    async def on_the_month_before(self, tracker: Tracker, year: int, month: int) -> str:
        """A business younger than a year (the demo's too) has no last year to grow on: the
        month so far against the same days of the month before, as the ERP measures it
        (/reports/sales: "1 to 7 December" against "1 to 7 November")."""
        start = date(year, month, 1)
        end = min(date.today(), date(year, month, calendar.monthrange(year, month)[1]))
        like = await self.client.period_report(tracker.sender_id, "sales", start, end)
        return growth_on_the_period_before(like)


class RankingAction(ReportAction):
    """ "best sellers last month", "biggest customers in 2025": products or customers by
    revenue in the period named, else in the last `default_days` days (the ABC analysis)."""

    by = "product"
    default_days = 90

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        period = asked_period(tracker, self.default_days)
        abc = await self.client.ranking(tracker.sender_id, self.by, period.start, period.end)
        ranked = [item for item in abc["items"] if Decimal(item["revenue"]) > 0]
        if not ranked:
            dispatcher.utter_message(response="utter_no_sales_in_period", period=period.label)
            return []
        lines = "\n".join(
            _("{rank}. {key} {name}: {revenue} ({share} %)").format(
                rank=rank,
                key=item["key"],
                name=name_of(item),
                revenue=money(item["revenue"], abc.get("currency")),
                share=item["share_pct"],
            )
            for rank, item in enumerate(ranked[:TOP], start=1)
        )
        self.say(dispatcher, period, lines, abc)
        return []

    @abstractmethod
    def say(
        self, dispatcher: CollectingDispatcher, period: Period, lines: str, abc: dict[str, Any]
    ) -> None:
        """Utters the ranking."""


class ActionTopProducts(RankingAction):
    action_name = "action_top_products"

    def say(
        self, dispatcher: CollectingDispatcher, period: Period, lines: str, abc: dict[str, Any]
    ) -> None:
        dispatcher.utter_message(response="utter_top_products", period=period.label, products=lines)


class ActionTopCustomers(RankingAction):
    """ "top customers", "biggest customers in 2025": the last twelve months unless a period
    is named; with how many customers make the first ABC class."""

    action_name = "action_top_customers"
    by = "customer"
    default_days = 365

    def say(
        self, dispatcher: CollectingDispatcher, period: Period, lines: str, abc: dict[str, Any]
    ) -> None:
        a_class = next(c for c in abc["classes"] if c["abc_class"] == "A")
        dispatcher.utter_message(
            response="utter_top_customers",
            period=period.label,
            customers=lines,
            a_count=a_class["count"],
            a_pct=abc["a_pct"],
        )


def hours_words(hours: float | None) -> str:
    if hours is None:
        return _("no data")
    if hours < 48:
        return _("{hours} hours").format(hours=f"{hours:.0f}")
    return _("{days} days").format(days=f"{hours / 24:.1f}")


def pct_words(value: str | None) -> str:
    return _("no data") if value is None else _("{value} %").format(value=value)


class ActionKpis(ReportAction):
    """ "kpis", "order cycle time", "on-time delivery last quarter", "fill rate"."""

    action_name = "action_kpis"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        period = asked_period(tracker, 90)
        kpis = await self.client.period_report(tracker.sender_id, "kpis", period.start, period.end)
        cycle = kpis["cycle_time"]["created_to_shipped"]
        dispatcher.utter_message(
            response="utter_kpis",
            period=period.label,
            orders=kpis["orders"],
            cycle_median=hours_words(cycle["median_hours"]),
            cycle_p90=hours_words(cycle["p90_hours"]),
            on_time=pct_words(kpis["on_time_delivery_pct"]),
            delivered=kpis["delivered_with_date"],
            fill_rate=pct_words(kpis["fill_rate_pct"]),
            held=pct_words(kpis["held_for_approval_pct"]),
        )
        return []


# "上一单发货了没" (has my last order shipped) read as "how many orders shipped": a Chinese
# question about one order that asks no number is that order's status
ONE_ORDER = re.compile(rf"{ZH_LATEST_ORDER}|SO-\d{{4}}-\d{{5}}", re.IGNORECASE)
COUNT_ASKED = re.compile(r"多少|几")


def about_one_order(text: str) -> bool:
    return has_han(text) and bool(ONE_ORDER.search(text)) and not COUNT_ASKED.search(text)


class ActionOrderVolume(ReportAction):
    """ "how many orders did we ship last week", "orders received this month"."""

    action_name = "action_order_volume"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        if about_one_order(text_of(tracker)):
            return await ActionOrderStatus(self.client).answer(dispatcher, tracker, domain)
        period = asked_period(tracker, 7)
        volume = await self.client.period_report(
            tracker.sender_id, "order-volume", period.start, period.end
        )
        dispatcher.utter_message(
            response="utter_order_volume",
            period=period.label,
            span=span_words(volume["start"], volume["end"]),
            received=volume["received"],
            shipped=volume["shipped"],
            delivered=volume["delivered"],
        )
        return []


class ActionDemandForecast(ReportAction):
    """ "forecast demand for BOLT-M8", "how many m8 bolts will we sell next month"."""

    action_name = "action_demand_forecast"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        wanted = entity(tracker, "sku") or entity(tracker, "product")
        if wanted is None:
            dispatcher.utter_message(response="utter_ask_forecast_product")
            return []
        choice = choose(await self.client.products(tracker.sender_id, wanted, limit=5), wanted)
        if choice.product is None:
            names = listed(
                _("{sku} ({name})").format(sku=p["sku"], name=name_of(p)) for p in choice.close
            ) or _("none")
            dispatcher.utter_message(response="utter_forecast_which", product=wanted, close=names)
            return []
        found = await self.client.forecast(tracker.sender_id, choice.product["sku"])
        months = "\n".join(
            _("• {month}: about {quantity} {unit}").format(
                month=month_words(month["month"]),
                quantity=round(month["quantity"]),
                unit=unit(choice.product["unit"]),
            )
            for month in found["forecast"]
        )
        recent = found["history"][-3:]
        dispatcher.utter_message(
            response="utter_demand_forecast",
            sku=found["sku"],
            name=name_of(choice.product),
            months=months,
            recent=listed(
                _("{month} {quantity}").format(
                    month=month_words(m["month"]), quantity=round(m["quantity"])
                )
                for m in recent
            )
            or _("none"),
            available=found["available"],
            reorder_point=found["reorder_point"],
        )
        return []


def month_words(month: str) -> str:
    """The ERP's "2027-01" as the reply writes a month: "2027-01" ("2027年1月")."""
    year, number = month.split("-")
    return _("{year}-{month:02d}").format(year=year, month=int(number))
