"""Invoices, balances and receivables."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity


class ActionMyInvoices(ErpAction):
    action_name = "action_my_invoices"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        invoices = await self.client.invoices(tracker.sender_id, open_only=True)
        if not invoices:
            dispatcher.utter_message(response="utter_no_open_invoices")
            return []
        lines = "\n".join(
            f"• {i['number']} ({i['customer_code']}): {i['balance']} open, due {i['due_on']}"
            + (f", {i['days_overdue']} days overdue" if i["days_overdue"] else "")
            for i in invoices
        )
        dispatcher.utter_message(response="utter_open_invoices", invoices=lines)
        return []


class ActionCustomerBalance(ErpAction):
    """Credit limit, exposure and what is left: the chat's own, or a named customer's."""

    action_name = "action_customer_balance"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        chat = tracker.sender_id
        code = entity(tracker, "customer")
        if code is None:
            code = (await self.client.me(chat)).get("customer_code")
        if code is None:
            dispatcher.utter_message(response="utter_ask_which_customer")
            return []
        credit = await self.client.credit(chat, code.upper())
        dispatcher.utter_message(
            response="utter_customer_balance",
            customer=credit["customer_code"],
            credit_limit=credit["credit_limit"],
            exposure=credit["exposure"],
            available=credit["available"],
        )
        return []


class ActionOverdueInvoices(ErpAction):
    """ "Who is more than 60 days overdue?" — the aging report, for finance and managers."""

    action_name = "action_overdue_invoices"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        days_text = entity(tracker, "days")
        days = int(days_text) if days_text and days_text.isdigit() else 0
        aging = await self.client.aging(tracker.sender_id, more_than_days_overdue=days)
        late = [row for row in aging["customers"] if row["oldest_days_overdue"] > days]
        if not late:
            dispatcher.utter_message(response="utter_nobody_overdue", days=days)
            return []
        late.sort(key=lambda row: -row["oldest_days_overdue"])
        lines = "\n".join(
            f"• {row['customer_code']} {row['customer_name']}: {row['total']} open, "
            f"oldest {row['oldest_days_overdue']} days overdue"
            for row in late[:10]
        )
        dispatcher.utter_message(
            response="utter_overdue_customers", days=days, count=len(late), customers=lines
        )
        return []
