"""Invoices, balances and receivables."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity, text_of
from actions.chinese import plain
from actions.customer_match import customer_meant
from actions.erp_client import ErpError
from actions.formatting import customer_name_of, day, money, money_of
from actions.i18n import _
from actions.reports import ReportAction

# "when is my next invoice due", "when do i have to pay the next one", "下一张发票什么时候到期"
ASKS_NEXT_DUE = re.compile(
    r"\bnext\b.*\b(?:due|pay|payment)|\b(?:due|pay)\b.*\bnext\b|下[一1][张笔期次个]|下次.*(?:付|到期)",
    re.I,
)


class ActionMyInvoices(ErpAction):
    """Open invoices; asked which falls due next, that one first."""

    action_name = "action_my_invoices"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        invoices = await self.client.invoices(tracker.sender_id, open_only=True)
        if not invoices:
            dispatcher.utter_message(response="utter_no_open_invoices")
            return []
        coming = sorted((i for i in invoices if not i["days_overdue"]), key=lambda i: i["due_on"])
        if coming and ASKS_NEXT_DUE.search(plain(text_of(tracker))):
            dispatcher.utter_message(
                response="utter_next_invoice_due",
                number=coming[0]["number"],
                balance=money_of(coming[0], "balance"),
                due=day(coming[0]["due_on"]),
            )
        dispatcher.utter_message(response="utter_open_invoices", invoices=invoice_lines(invoices))
        return []


def invoice_lines(invoices: list[dict[str, Any]]) -> str:
    return "\n".join(
        (
            _("• {number} ({customer}): {balance} open, due {due}, {days} days overdue")
            if i["days_overdue"]
            else _("• {number} ({customer}): {balance} open, due {due}")
        ).format(
            number=i["number"],
            customer=i["customer_code"],
            balance=money_of(i, "balance"),
            due=day(i["due_on"]),
            days=i["days_overdue"],
        )
        for i in invoices
    )


class ActionCustomerBalance(ErpAction):
    """Credit limit, exposure and what is left: the chat's own, or a named customer's."""

    action_name = "action_customer_balance"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        chat = tracker.sender_id
        customer = await customer_meant(self.client, dispatcher, tracker)
        if customer is None:
            return []
        credit = await self.client.credit(chat, customer)
        # what is owed on invoices now ("what do we owe you"), beside the credit figures, where
        # "in use" also counts orders not yet invoiced; a role that may not read statements
        # (a sales rep) gets the credit figures alone
        named, owed = credit["customer_code"], ""
        try:
            statement = await self.client.statement(chat, customer)
        except ErpError as error:
            if error.code != "FORBIDDEN":
                raise
        else:
            named = _("{name} ({code})").format(
                name=customer_name_of(statement), code=credit["customer_code"]
            )
            closing = money(statement["closing_balance"], statement.get("currency"))
            owed = _("{amount} owed on invoices. ").format(amount=closing)
        dispatcher.utter_message(
            response="utter_customer_balance",
            customer=named,
            owed=owed,
            credit_limit=money_of(credit, "credit_limit"),
            exposure=money_of(credit, "exposure"),
            available=money_of(credit, "available"),
        )
        return [SlotSet("customer_discussed", customer)]


OVER_DAYS = re.compile(
    r"\b(?:over|more than|older than|past|beyond|>)\s*(\d{1,3})\b"
    r"|(?:超过|大于|多于|逾期|拖欠)\s*(\d{1,3})\s*天",
    re.I,
)


class ActionOverdueInvoices(ErpAction):
    """ "Who is more than 60 days overdue?" — the aging report, for finance and managers; a
    customer asking what is overdue hears their own overdue invoices."""

    action_name = "action_overdue_invoices"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        days_text = plain(entity(tracker, "days") or "")  # "六十" as 60
        if not days_text.isdigit() and (said := OVER_DAYS.search(plain(text_of(tracker)))):
            days_text = said.group(1) or said.group(2)  # "and over 90?": the tagger's miss
        days = int(days_text) if days_text and days_text.isdigit() else 0
        try:
            aging = await self.client.aging(tracker.sender_id, more_than_days_overdue=days)
        except ErpError as error:
            if error.code != "FORBIDDEN" or error.details.get("role") != "customer":
                raise
            overdue = await self.client.invoices(tracker.sender_id, status="overdue")
            if not overdue:
                dispatcher.utter_message(response="utter_none_of_yours_overdue")
                return []
            dispatcher.utter_message(
                response="utter_open_invoices", invoices=invoice_lines(overdue)
            )
            return []
        late = [row for row in aging["customers"] if row["oldest_days_overdue"] > days]
        if not late:
            dispatcher.utter_message(response="utter_nobody_overdue", days=days)
            return []
        late.sort(key=lambda row: -row["oldest_days_overdue"])
        lines = "\n".join(
            _("• {code} {name}: {total} open, oldest {days} days overdue").format(
                code=row["customer_code"],
                name=customer_name_of(row),
                total=money(row["total"], aging.get("currency")),
                days=row["oldest_days_overdue"],
            )
            for row in late[:10]
        )
        dispatcher.utter_message(
            response="utter_overdue_customers", days=days, count=len(late), customers=lines
        )
        return []


class ActionReceivables(ReportAction):
    """ "Who owes us the most?", "total receivables", "aged debt": the total, how much of it
    is overdue, the aging buckets (current, 1-30, 31-60, 61-90, over 90 days) and the
    customers owing the most, largest first."""

    action_name = "action_receivables"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        aging = await self.client.aging(tracker.sender_id)
        owing = [row for row in aging["customers"] if Decimal(row["total"]) > 0]
        if not owing:
            dispatcher.utter_message(response="utter_nothing_owed")
            return []
        owing.sort(key=lambda row: -Decimal(row["total"]))
        totals = aging["totals"]
        cur = aging.get("currency")
        overdue = Decimal(totals["total"]) - Decimal(totals["current"])
        lines = "\n".join(
            (
                _("{rank}. {code} {name}: {total} ({overdue} overdue, oldest {days} days)")
                if row["oldest_days_overdue"] > 0
                else _("{rank}. {code} {name}: {total} (none overdue)")
            ).format(
                rank=rank,
                code=row["customer_code"],
                name=customer_name_of(row),
                total=money(row["total"], cur),
                overdue=money(Decimal(row["total"]) - Decimal(row["current"]), cur),
                days=row["oldest_days_overdue"],
            )
            for rank, row in enumerate(owing[:5], start=1)
        )
        ages = _(
            "current {current} · 1-30 days {d30} · 31-60 {d60} · 61-90 {d90} · over 90 {d90plus}"
        )
        dispatcher.utter_message(
            response="utter_receivables",
            total=money(totals["total"], cur),
            count=len(owing),
            overdue=money(overdue, cur),
            ages=ages.format(
                current=money(totals["current"], cur),
                d30=money(totals["days_1_30"], cur),
                d60=money(totals["days_31_60"], cur),
                d90=money(totals["days_61_90"], cur),
                d90plus=money(totals["days_over_90"], cur),
            ),
            customers=lines,
        )
        return []


class ActionStatement(ErpAction):
    """ "Send me my statement", "statement for baker and sons": the account's running
    balance — the latest entries and what is owed."""

    action_name = "action_statement"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        customer = await customer_meant(self.client, dispatcher, tracker)
        if customer is None:
            return []
        statement = await self.client.statement(tracker.sender_id, customer)
        entries = statement["entries"][-5:]
        cur = statement.get("currency")
        lines = "\n".join(
            (
                _("• {date} {description}: {amount} charged, balance {balance}")
                if Decimal(e["debit"])
                else _("• {date} {description}: {amount} paid, balance {balance}")
            ).format(
                date=day(e["date"]),
                description=e["description"],
                amount=money(e["debit"] if Decimal(e["debit"]) else e["credit"], cur),
                balance=money(e["balance"], cur),
            )
            for e in entries
        )
        dispatcher.utter_message(
            response="utter_statement" if entries else "utter_statement_empty",
            customer=_("{name} ({code})").format(
                name=customer_name_of(statement), code=statement["customer_code"]
            ),
            entries=lines,
            closing=money(statement["closing_balance"], cur),
        )
        # the whole statement as a file: a link in the web chat, a document on Telegram
        dispatcher.utter_message(json_message={"file": {"name": "statement", "customer": customer}})
        return [SlotSet("customer_discussed", customer)]
