"""Starting an order by chat, and what starting and ending one share.

`action_start_order` — who is asking: a customer orders for themself, a sales rep or manager
names the customer; an unlinked chat is told how to link. It reads what the first message
already says ("40 BOLT-M8 by Friday") and gives the order its Idempotency-Key stem
(`order_key`), then hands over to the order form (actions/order_form.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity, text_of
from actions.context import LATEST
from actions.conversation import is_question
from actions.erp_client import ErpClient, ErpError, ErpUnavailable, new_idempotency_key
from actions.i18n import N_, _
from actions.order_answers import check_date, date_in, entity_date
from actions.order_items import apply_message, complete
from actions.order_lines import requested_lines

ORDERING_ROLES = {"customer", "sales_rep", "manager", "admin"}
# The roles that may not order, as the reply names them
ROLE_WORDS = {"finance": N_("finance"), "warehouse": N_("warehouse")}
ORDER_SLOTS = (
    "customer",
    "customer_name",
    "order_items",
    "order_lines",
    "delivery_date",
    "shipping_address",
    "default_address",
    "order_decision",
    "order_change",
    "draft_number",
    "order_key",
    "ordering_as",
)


def reset_order() -> Events:
    return [SlotSet(name, None) for name in ORDER_SLOTS] + [SlotSet("submit_pending", False)]


async def drop_draft(client: ErpClient, tracker: Tracker) -> None:
    """Cancel the preview's draft when the user decides not to order. An unsubmitted draft
    reserves nothing and is never shipped: dropping it is tidy, not vital, so an outage here
    does not stop the user leaving."""
    number, key = tracker.get_slot("draft_number"), tracker.get_slot("order_key")
    if not (number and key):
        return
    try:
        await client.order_action(
            tracker.sender_id,
            number,
            "cancel",
            f"{key}-cancel",
            {"reason": "Dropped in chat before submitting"},
        )
    except (ErpError, ErpUnavailable):
        return


class ActionStartOrder(ErpAction):
    """ "I want to order 40 BOLT-M8 by Friday": may this chat order, for whom, and what the
    first message already says. Sets `order_allowed`, which the rules follow."""

    action_name = "action_start_order"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        text = text_of(tracker)
        entities = tracker.latest_message.get("entities") or []
        if is_question(text) and LATEST.search(text) and not requested_lines(text, entities):
            # "and their last order?", "what about my last order?": about an order there is,
            # not a new one
            return [SlotSet("order_allowed", False), FollowupAction("action_order_status")]
        me = await self.client.me(tracker.sender_id)
        if not me["linked"]:
            dispatcher.utter_message(response="utter_how_to_link")
            return self.failure_events(tracker)
        if me["role"] not in ORDERING_ROLES:
            role = me["role"]
            dispatcher.utter_message(
                response="utter_cannot_order",
                role=_(ROLE_WORDS[role]) if role in ROLE_WORDS else role,
            )
            return self.failure_events(tracker)
        if me["role"] == "customer":
            customer = me["customer_code"]
        else:
            named = entity(tracker, "customer")
            customer = named or None  # a code or a name: the form resolves it
        items, _change = await apply_message(self.client, tracker, [], asked=True)
        said_date = entity(tracker, "date")
        delivery = entity_date(said_date) or date_in(text_of(tracker))
        if delivery and delivery != "none":
            delivery = check_date(delivery, dispatcher)
        return [
            *reset_order(),
            SlotSet("order_allowed", True),
            SlotSet("ordering_as", "customer" if me["role"] == "customer" else "staff"),
            SlotSet("order_key", new_idempotency_key()),
            SlotSet("customer", customer),
            SlotSet("order_items", items or None),
            SlotSet("order_lines", complete(items)),
            SlotSet("delivery_date", delivery),
            # also when another form switched here (actions/conversation.py, SWITCHES)
            FollowupAction("order_form"),
        ]

    def failure_events(self, tracker: Tracker) -> Events:
        # also when another form or a reading of the message sent the chat here
        return [SlotSet("order_allowed", False), FollowupAction("action_listen")]
