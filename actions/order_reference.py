"""The forms that act on one existing order (cancel, return, reject) start with which one:
`target_order`, read from the message ("cancel it", "the second one", "my last order", a
number, a button) and checked with the ERP; its question lists the qualifying orders as
numbered buttons."""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Events, intent_of, text_of
from actions.context import numbered_buttons, order_referred, position_said, recent_orders
from actions.conversation import (
    ConversationalForm,
    is_exit,
    is_question,
)
from actions.erp_client import ErpError
from actions.form_questions import FormQuestion
from actions.formatting import money_of
from actions.i18n import N_, _
from actions.replies import status_words

YES_NO = [{"title": N_("Yes"), "payload": "/affirm"}, {"title": N_("No"), "payload": "/deny"}]
ANSWERS = {"affirm": "yes", "deny": "no"}


def yes_or_no(tracker: Tracker) -> str | None:
    return ANSWERS.get(intent_of(tracker))


REASON_LABEL = re.compile(r"^\s*(?:the\s+)?reason\b\s*(?:is\b)?\s*[:\-]?\s*", re.I)


def free_text(tracker: Tracker) -> str | None:
    """A reason in the user's words: never a question, a yes or no, or a way out."""
    text = " ".join(text_of(tracker).split())
    plain_answer = yes_or_no(tracker) and len(text.split()) <= 2
    if len(text) < 3 or is_question(text) or is_exit(tracker) or plain_answer:
        return None
    text = REASON_LABEL.sub("", text)  # "reason: account on stop" is the reason itself
    return text[:500] if len(text) >= 3 else None


class OrderTargetForm(ConversationalForm):
    """A form whose first question is which order; `statuses` are those it can act on."""

    statuses: frozenset[str] = frozenset()

    async def extract_target_order(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") not in (None, "target_order"):
            return {}
        number = await order_referred(self.client, tracker, self.statuses or None)
        listed = tracker.get_slot("listed_orders") or []
        place = position_said(tracker)
        if number is None and listed and place is not None:  # "the second one" of one
            dispatcher.utter_message(
                response="utter_no_such_position", position=place + 1, count=len(listed)
            )
        return {"target_order": number} if number else {}

    async def validate_target_order(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        if value is None:
            return {"target_order": None}
        try:
            order = await self.client.order(tracker.sender_id, str(value).upper())
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
            dispatcher.utter_message(response="utter_order_not_found", order_number=value)
            return {"target_order": None}
        return await self.check_order(order, dispatcher, tracker)

    async def check_order(
        self, order: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        return {"target_order": order["number"], "order_number": order["number"]}

    def left_words(self, tracker: Tracker) -> dict[str, Any]:
        return {"order_number": tracker.get_slot("target_order") or _("the order")}


def only_when(
    order: dict[str, Any], status: str, otherwise: str, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """The order, if it is in `status`; else the reply `otherwise` says what it is now."""
    if order["status"] == status:
        return {"target_order": order["number"], "order_number": order["number"]}
    dispatcher.utter_message(
        response=otherwise, order_number=order["number"], status=status_words(order["status"])
    )
    return {"target_order": None}


class ActionAskTargetOrder(FormQuestion):
    """ "Which order?" with the chat's qualifying orders as numbered buttons."""

    statuses: frozenset[str] = frozenset()
    back_response = ""
    none_response = ""  # when the chat has no order the form can act on
    hint_response = "utter_hint_target_order"

    @property
    @abstractmethod
    def form(self) -> str:
        """The form's name; subclasses set it as a class attribute."""

    def name(self) -> str:
        return f"action_ask_{self.form}_target_order"

    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        return {"response": self.back_response}

    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        orders = await recent_orders(self.client, tracker.sender_id, self.statuses)
        if not orders:
            dispatcher.utter_message(response=self.none_response)
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(
            response="utter_ask_order_number",
            buttons=numbered_buttons(
                orders,
                "inform",
                lambda o: _("{status}, {total}").format(
                    status=status_words(o["status"]), total=money_of(o)
                ),
            ),
        )
        return [SlotSet("listed_orders", [o["number"] for o in orders])]


class YesNoQuestion(FormQuestion):
    """A form's yes/no question about its order."""

    back_response = ""
    hint_response = "utter_hint_yes_no"
    hint_buttons = YES_NO

    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        return {"response": self.back_response, "order_number": tracker.get_slot("target_order")}
