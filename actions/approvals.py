"""Approving held orders by chat (finance and managers): "approve SO-2026-00042", "approve
the second one", "anything waiting for me?". Rejecting asks a reason: actions/rejection.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, turn_key
from actions.context import order_referred
from actions.customer_match import customer_in_question
from actions.erp_client import ErpClient, ErpError
from actions.formatting import customer_name_of, listed, money_of
from actions.i18n import N_, _
from actions.replies import status_words

HELD = frozenset({"pending_approval"})
# Why the ERP held an order, as the list of orders waiting says it
REASONS = {"CREDIT": N_("credit"), "PRICE": N_("price")}


def reasons_words(reasons: list[str]) -> str:
    return listed(_(REASONS[r]) if r in REASONS else r.lower() for r in reasons)


class ActionApproveOrder(ErpAction):
    """ "Approve SO-2026-00042" (finance, managers); without a number, what waits for them."""

    action_name = "action_approve_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = await order_referred(self.client, tracker, HELD)
        if number is None:
            return await list_waiting_for_approval(self.client, dispatcher, tracker)
        try:
            order = await self.client.order_action(
                tracker.sender_id, number, "approve", turn_key(tracker, "approve")
            )
        except ErpError as error:
            if error.code != "INVALID_TRANSITION":
                raise
            now = await self.client.order(tracker.sender_id, number)
            dispatcher.utter_message(
                response="utter_no_longer_waiting",
                order_number=number,
                status=status_words(now["status"]),
            )
            return []
        dispatcher.utter_message(
            response="utter_order_approved",
            order_number=order["number"],
            status=status_words(order["status"]),
        )
        return [SlotSet("order_number", order["number"])]


class ActionPendingApprovals(ErpAction):
    """ "What's waiting for approval?", "my orders on hold", "anything on hold for apex?"."""

    action_name = "action_pending_approvals"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return await list_waiting_for_approval(self.client, dispatcher, tracker)


async def list_waiting_for_approval(
    client: ErpClient, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Events:
    customer = await customer_in_question(client, tracker)
    waiting = await client.my_orders(
        tracker.sender_id, status="pending_approval", customer=customer, limit=5
    )
    if not waiting:
        dispatcher.utter_message(response="utter_nothing_to_approve")
        return []
    buttons = []
    for order in waiting[:3]:
        number = order["number"]
        buttons += [
            {
                "title": _("Approve {number}").format(number=number),
                "payload": f'/approve_order{{"order_number": "{number}"}}',
            },
            {
                "title": _("Reject {number}").format(number=number),
                "payload": f'/reject_order{{"order_number": "{number}"}}',
            },
        ]
    dispatcher.utter_message(
        response="utter_waiting_for_approval",
        orders="\n".join(
            _("{index}. {number} {customer} ({code}), {total}: {reasons}").format(
                index=index,
                number=o["number"],
                customer=customer_name_of(o),
                code=o["customer_code"],
                total=money_of(o),
                reasons=reasons_words(o["approval_reasons"]),
            )
            for index, o in enumerate(waiting, start=1)
        ),
        buttons=buttons,
    )
    return [SlotSet("listed_orders", [o["number"] for o in waiting])]
