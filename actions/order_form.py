"""Placing an order by chat: reading every answer of the order form.

1. `action_start_order` (actions/order_start.py) — who orders for whom, and what the first
   message already says.
2. `order_form` — customer → order_lines → delivery_date → shipping_address →
   order_decision, read by `validate_order_form`. Any message may also correct an earlier
   answer until the order is confirmed ("make it 20", "remove the bolts", "deliver on the
   18th", "ship to 5 Dock Road, Hull HU1 2AB"); the conversation around the questions (side
   questions, exits, retries) is actions/conversation.py's.
3. The questions and the priced preview are actions/order_prompts.py, placing the
   confirmed draft actions/order_place.py.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Events, entity, intent_of, text_of
from actions.conversation import (
    SIDE_ACTIONS,
    ConversationalForm,
    is_exit,
    is_question,
)
from actions.customer_match import customer_named
from actions.erp_client import new_idempotency_key
from actions.formatting import listed, money_of, name_of
from actions.i18n import _
from actions.order_answers import (
    ADDRESS_CHANGE,
    LEADING_YES_NO,
    NO_DATE,
    TOTAL_QUESTION,
    USUAL_ADDRESS,
    USUAL_IN_TEXT,
    check_date,
    clean_address,
    date_in,
    date_words,
    entity_date,
    looks_like_address,
    read_date,
)
from actions.order_items import Change, Items, apply_message, complete, item_words
from actions.order_lines import bare_quantity, requested_lines
from actions.order_start import ORDER_SLOTS, drop_draft


def say_change(dispatcher: CollectingDispatcher, change: Change, changed_too: bool) -> None:
    """Confirm a correction: a line taken off or given a new quantity always; lines added
    only when the question was about something else (the next question shows them)."""
    if change.removed:
        dispatcher.utter_message(
            response="utter_lines_removed", lines=listed(item_words(i) for i in change.removed)
        )
    shown = change.updated + ([i for i in change.changed if i["sku"]] if changed_too else [])
    if shown:
        dispatcher.utter_message(
            response="utter_lines_changed", lines=listed(item_words(i) for i in shown)
        )


# A question about a product rather than an order for it: "what's the price on 8mm washers",
# "how much are the m10 nuts", "do you have zip ties in stock?"
PRODUCT_QUESTION = re.compile(
    r"\b(?:price|prices|pricing|cost|costs|how much (?:is|are|for|do|does)|in stock"
    r"|do you (?:have|stock|sell|carry|do)|any left|available)\b"
    r"|多少钱|价格|价钱|报价|单价|有货|有没有货|库存|还有多少|还剩多少|卖吗|有卖",
    re.IGNORECASE,
)


# "yes, go ahead" said to the address question: the user means to place the order
GO_AHEAD = re.compile(
    r"\b(?:confirm(?:ed)?|go ahead|place it|book it|send it|do it|put it through|order it"
    r"|that'?s (?:all|everything|it)|all good|sounds good)\b"
    r"|确认|下单吧|就这样|没问题|提交吧?",
    re.IGNORECASE,
)


class ValidateOrderForm(ConversationalForm):
    """Reads each message of the order form: the answer to its question, and any correction
    of an earlier answer, until the order is confirmed."""

    form = "order_form"
    own_intent = "place_order"
    yes_no_slots = frozenset({"order_decision"})
    working_slots = (
        "order_items",
        "default_address",
        "customer_name",
        "order_change",
    )
    slots = ORDER_SLOTS
    left_response = "utter_order_left"

    async def leave(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, say: bool = True
    ) -> Events:
        await drop_draft(self.client, tracker)
        return await super().leave(dispatcher, tracker, say)

    async def hand_over(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
        # "talk to a person" in the middle of an order: the draft stays for the team to
        # finish (nothing is submitted); without one, what was noted is said for them
        number = tracker.get_slot("draft_number")
        items: Items = tracker.get_slot("order_items") or []
        if number:
            dispatcher.utter_message(response="utter_draft_kept_for_person", order_number=number)
        elif items:
            dispatcher.utter_message(
                response="utter_lines_kept_for_person",
                lines=listed(item_words(i) for i in items),
            )
        return await ConversationalForm.leave(self, dispatcher, tracker, say=False)

    def side_question(self, tracker: Tracker) -> bool:
        return bool(TOTAL_QUESTION.search(text_of(tracker))) or super().side_question(tracker)

    async def answer_aside(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        if not TOTAL_QUESTION.search(text_of(tracker)):
            return await super().answer_aside(dispatcher, tracker, domain)
        items: Items = tracker.get_slot("order_items") or []
        number = tracker.get_slot("draft_number")
        if number:  # the ERP's figure, as the preview showed it
            draft = await self.client.order(tracker.sender_id, number)
            dispatcher.utter_message(
                response="utter_order_total", order_number=number, total=money_of(draft)
            )
        elif items:
            dispatcher.utter_message(
                response="utter_total_at_preview", lines=listed(item_words(i) for i in items)
            )
        else:
            dispatcher.utter_message(response="utter_nothing_to_total")
        return self.aside_taken(tracker, "total")

    def side_question_first(self, tracker: Tracker) -> bool:
        # "how much is BOLT-M8?", "is the m8 bolt in stock?": a question, not an order line
        text = text_of(tracker)
        return is_question(text) and (
            intent_of(tracker) in SIDE_ACTIONS or bool(PRODUCT_QUESTION.search(text))
        )

    def aside_intent(self, tracker: Tracker) -> str:
        # "whats the price on 8mm washers" is a price question whatever the model read
        # (an order line it never becomes)
        intent = super().aside_intent(tracker)
        text = text_of(tracker)
        if intent not in SIDE_ACTIONS and is_question(text) and PRODUCT_QUESTION.search(text):
            return "check_price"
        return intent

    # --- customer (staff name it; a customer's chat is its own) -------------------------

    async def extract_customer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        asked = tracker.get_slot("requested_slot") == "customer"
        if not asked and tracker.get_slot("ordering_as") != "staff":
            return {}
        named = entity(tracker, "customer")
        if named is None and asked and not is_question(text_of(tracker)):
            named = text_of(tracker).strip()  # "baker and sons" typed as the answer
        if not named or (not asked and named.upper() == tracker.get_slot("customer")):
            return {}
        return {"customer": named}

    async def validate_customer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        if value is None:
            return {"customer": None}
        said = str(value)
        named = await customer_named(self.client, tracker.sender_id, said)
        customer = named.customer
        if customer is None:
            buttons = [
                {
                    "title": _("{name} ({code})").format(name=name_of(c), code=c["code"]),
                    "payload": c["code"],
                }
                for c in named.close
            ]
            response = "utter_which_customer" if named.close else "utter_unknown_customer"
            dispatcher.utter_message(response=response, customer=said, buttons=buttons)
            return {"customer": None}
        if not customer["active"]:
            dispatcher.utter_message(response="utter_erp_customer_inactive")
            return {"customer": None}
        changed: dict[str, Any] = {}
        number = tracker.get_slot("draft_number")
        if (
            number
            and (await self.client.order(tracker.sender_id, number))["customer_code"]
            != customer["code"]
        ):
            # another customer: the draft made for the first one goes, a new one is made; the
            # first one's usual address is not the new one's
            await drop_draft(self.client, tracker)
            changed = {"draft_number": None, "order_key": new_idempotency_key()}
            if tracker.get_slot("shipping_address") == tracker.get_slot("default_address"):
                changed["shipping_address"] = customer["shipping_address"]
        if changed or not named.exact:
            # a name matched in words is said back in full, so a wrong match is seen at once
            dispatcher.utter_message(
                response="utter_customer_noted",
                customer=_("{name} ({code})").format(name=name_of(customer), code=customer["code"]),
            )
        return {
            "customer": customer["code"],
            "customer_name": customer["name"],
            "customer_discussed": customer["code"],
            "default_address": customer["shipping_address"],
            **changed,
        }

    # --- lines ----------------------------------------------------------------------------

    async def extract_order_lines(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") is None:
            return {}  # the start action read the first message already
        asked = tracker.get_slot("requested_slot") == "order_lines"
        items: Items = tracker.get_slot("order_items") or []
        items, change = await apply_message(self.client, tracker, items, asked=asked)
        if not change:
            return {}
        # what was asked for shows in the next question; a correction on the way is confirmed
        say_change(dispatcher, change, changed_too=not asked)
        return {"order_items": items, "order_lines": complete(items), "order_change": None}

    async def validate_order_lines(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        return {"order_lines": value}

    # --- delivery date --------------------------------------------------------------------

    async def extract_delivery_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            return {}
        text = text_of(tracker).strip()
        if is_question(text) and not NO_DATE.match(text):  # "什么时候都行" is no question
            return {}
        said = entity(tracker, "date")
        about_items = bool(requested_lines(text, []) or bare_quantity(text))
        found = entity_date(said) or date_in(text)
        if requested == "delivery_date" and not about_items:
            found = found or read_date(text)  # the answer itself: "friday", "asap"
        return {"delivery_date": found} if found else {}

    async def validate_delivery_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        checked = value and check_date(str(value), dispatcher)
        if checked and tracker.get_slot("requested_slot") not in ("delivery_date", None):
            dispatcher.utter_message(response="utter_date_noted", date=date_words(checked))
        return {"delivery_date": checked}

    async def validate_shipping_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> dict[str, Any]:
        if value and tracker.get_slot("requested_slot") not in ("shipping_address", None):
            dispatcher.utter_message(response="utter_address_noted", address=value)
        return {"shipping_address": value}

    # --- address --------------------------------------------------------------------------

    async def extract_shipping_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            return {}
        text = " ".join(text_of(tracker).split())
        usual = tracker.get_slot("default_address")
        if requested == "shipping_address":
            if usual and (
                intent_of(tracker) == "affirm"
                or USUAL_ADDRESS.match(text)
                or USUAL_IN_TEXT.search(text)  # "usual address is fine", "their normal address"
            ):
                if GO_AHEAD.search(text):
                    # "yep confirm", "yes go ahead": the preview is shown and placed at once
                    return {"shipping_address": usual, "order_change": "go_ahead"}
                return {"shipping_address": usual}
            if requested_lines(text, tracker.latest_message.get("entities") or []):
                return {}  # "sorry the wood screws should be 1500" corrects a line
            given = ADDRESS_CHANGE.search(text)
            address = given.group(1) if given else LEADING_YES_NO.sub("", text)
        elif given := ADDRESS_CHANGE.search(text):
            address = given.group(1)
            if usual and (USUAL_ADDRESS.match(address) or USUAL_IN_TEXT.search(address)):
                return {"shipping_address": usual}
        elif usual and USUAL_IN_TEXT.search(text):  # "... next friday to the usual address"
            return {"shipping_address": usual}
        else:
            return {}
        address = clean_address(address)
        return {"shipping_address": address} if looks_like_address(address) else {}

    # --- the preview's answer -------------------------------------------------------------

    async def extract_order_decision(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "order_decision":
            return {}
        intent, decision = intent_of(tracker), entity(tracker, "decision")
        if decision is None and is_exit(tracker, yes_no=True):
            return {}  # "never mind", "cancel that": the way out, not an answer
        if decision == "cancel":
            return {"order_decision": "cancel"}
        if decision == "change_items":
            return {"order_decision": None, "order_change": "items"}
        if decision == "change_date":
            return {"order_decision": None, "delivery_date": None}
        if decision == "change_address":
            return {"order_decision": None, "shipping_address": None}
        if decision == "preview":
            return {"order_decision": None, "order_change": "retry"}
        if intent == "affirm" and tracker.get_slot("draft_number"):
            return {"order_decision": "confirm"}
        if intent == "deny":  # "no" at the preview: what should change?
            return {"order_decision": None, "order_change": "ask"}
        return {}
