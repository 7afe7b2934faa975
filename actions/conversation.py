"""How every form holds a conversation: one place for what a message in the middle of a
form means, shared by the order, cancel, return and reject forms.

Each message a form receives is read, in this order, as
1. an **answer** to the question asked (or a correction of an earlier answer): the form's
   own `extract_*` methods decide, and the form goes on;
2. a **request for a person**: the form is left, saying what was kept, and the chat handed on;
3. an **exit** ("stop", "forget it", "never mind", "cancel that", "no thanks", "bye"): the
   form is left and the reply says what was and was not kept;
4. a **switch** to another flow ("cancel my last order" in the middle of a new order): the
   form is left as in 3 and the other flow starts with the same message;
5. a **side question** (balance, invoices, status, stock, price, reports, help, "are you a
   bot"): answered by the same action that answers it outside a form, then the form asks its
   question again, saying where it stands ("Back to your order for Apex Steel.");
6. anything else: an answer that could not be used. The question is asked again, never in the
   same words: the second time it says what is accepted, with buttons and how to get out;
   from the third, it offers a person.

This is Rasa's unhappy-path design (rules conditioned on `active_loop`) moved into the
forms' validation action, so that the side question is answered and the form resumed in the
same turn, and so that one table serves every form instead of a rule per form and intent
(docs/dialogue.md). A form left half-way ends like a finished one (its rule runs the form's
last action, which does nothing without an answer), so test stories and the running bot
agree; only a switch names the next action itself (`FollowupAction`).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionLinkAccount
from actions.analytics import (
    ActionDemandForecast,
    ActionKpis,
    ActionOrderVolume,
    ActionSalesReport,
    ActionTopCustomers,
    ActionTopProducts,
)
from actions.approvals import ActionApproveOrder, ActionPendingApprovals
from actions.base import ErpAction, Events, intent_of, text_of, turn_request_id
from actions.catalog import ActionStockAndPrice
from actions.context import ZH_LATEST_ORDER
from actions.erp_client import ErpClient, ErpError, ErpUnavailable
from actions.finance import (
    ActionCustomerBalance,
    ActionMyInvoices,
    ActionOverdueInvoices,
    ActionReceivables,
    ActionStatement,
)
from actions.i18n import speaking, turn_language
from actions.orders import ActionListMyOrders, ActionOrderStatus, ActionTrackShipment
from actions.replies import UNAVAILABLE, responses_of, say_refusal
from actions.reports import ActionLowStock
from telemetry.logs import request_scope

# Slots every form uses for its bookkeeping (domain/forms.yml).
ATTEMPTS, ASIDE, ASIDES = "form_attempts", "form_aside", "form_asides"
# Refusals that no other answer can change: the chat is not linked, or its role may not.
NOT_ALLOWED = frozenset({"IDENTITY_NOT_LINKED", "FORBIDDEN"})

# Side questions answered by a reply of the domain.
SIDE_REPLIES = {
    "greet": "utter_greet_in_form",
    "help": "utter_help",
    "bot_challenge": "utter_iamabot",
    "thank": "utter_you_are_welcome",
    "out_of_scope": "utter_out_of_scope_in_form",
}
# Side questions answered by the action that answers them outside a form.
SIDE_ACTIONS: dict[str, type[ErpAction]] = {
    "check_order_status": ActionOrderStatus,
    "list_my_orders": ActionListMyOrders,
    "track_shipment": ActionTrackShipment,
    "check_stock": ActionStockAndPrice,
    "check_price": ActionStockAndPrice,
    "my_invoices": ActionMyInvoices,
    "customer_balance": ActionCustomerBalance,
    "overdue_invoices": ActionOverdueInvoices,
    "receivables": ActionReceivables,
    "account_statement": ActionStatement,
    "sales_report": ActionSalesReport,
    "top_customers": ActionTopCustomers,
    "top_products": ActionTopProducts,
    "kpi_report": ActionKpis,
    "order_volume": ActionOrderVolume,
    "demand_forecast": ActionDemandForecast,
    "low_stock": ActionLowStock,
    "approve_order": ActionApproveOrder,
    "pending_approvals": ActionPendingApprovals,
    "link_account": ActionLinkAccount,
}
# Intents that start another flow: the form in progress is left for it.
SWITCHES = {
    "cancel_order": "cancel_form",
    "request_return": "return_form",
    "reject_order": "reject_form",
    "place_order": "action_start_order",
}
# A side answer may set these context slots (which order was discussed, which were listed),
# never a slot the form is filling.
CONTEXT_SLOTS = frozenset({"order_number", "listed_orders"})

_POLITE = r"(?:\s*(?:,|\.|!)?\s*(?:please|thanks|thank you|thx|ok|okay|then|for now|bye))*"
EXIT_PHRASES = re.compile(
    r"^\s*(?:(?:no|ok|okay|oh|hmm|actually|sorry|wait)[,.!]?\s+)*"
    r"(?:stop(?: it| that| this| here| there)?|quit|exit|abort|halt|enough"
    r"|forget (?:it|that|this|about it|the (?:whole )?(?:order|thing|return))"
    r"|never ?mind|nvm|cancel(?: (?:that|this|it|everything|all|the order|this order|the return"
    r"|this return|the whole thing|the rejection))?|no,? thanks?|no,? thank you|not now"
    r"|leave it|drop it|scrap (?:it|that|this)|skip it|i changed my mind|changed my mind"
    r"|don'?t bother|bye|goodbye|good bye|see you)"
    rf"{_POLITE}\s*[.!]*\s*$"
    # Chinese: "算了", "不要了，取消吧", "先这样吧", "不下了", "谢谢，拜拜"
    r"|^\s*(?:(?:(?:好吧|哦|嗯|那|那就|还是|谢谢|多谢|谢了)[\s，,。.！!~]*)?"
    r"(?:算了|不要了|不用了|不下了|不订了|不买了|不退了|不弄了"
    r"|别弄了|先不要了|先不了|先这样|取消|停下?|停止|退出|没事了|改主意了|不想要了"
    r"|再见|拜拜)[吧啊呀了呢哈]*[\s，,。.！!]*)+$",
    re.IGNORECASE,
)
# a way out that also takes leave ("谢谢，拜拜", read as thanks): answered with goodbye too
ZH_GOODBYE = re.compile(r"再见|拜拜|回头见")
HANDOFF_PHRASES = re.compile(
    r"\b(?:agent|human|a person|real person|someone real|operator|representative"
    r"|customer service|talk to (?:someone|somebody|a person)|speak to (?:someone|somebody))\b"
    r"|人工|真人|客服|找个人|负责人",
    re.IGNORECASE,
)
# "my last order", "the previous one", "SO-2026-00042": a message about an existing order.
EXISTING_ORDER = re.compile(
    r"\b(?:SO-\d{4}-\d{5}|(?:my|the|our) (?:last|latest|most recent|previous|other|old|"
    r"earlier|first|second|third|open|pending) (?:order|one)|order \d+)\b"
    r"|订单\s*\d+|\d+\s*号单|(?:之前的?|那个)(?:订单|单子?)"
    rf"|{ZH_LATEST_ORDER}",
    re.IGNORECASE,
)
# How sure the model must be before its reading alone takes the user out of a form.
SURE = 0.8
PLAIN_NO = frozenset(
    {"no", "nope", "nah", "no thanks", "no thank you", "not really", "不", "不是", "不要", "没有"}
)
QUESTION_START = re.compile(
    r"^\s*(?:what|what's|whats|how|how's|where|where's|when|when's|which|who|who's|why|is|are"
    r"|do|does|did|can|could|will|would|should|have|has|show|tell|list|give me|any|anything)\b",
    re.IGNORECASE,
)


# Chinese questions: a question mark, a question particle or a question word
ZH_QUESTION = re.compile(
    r"[吗嘛呢么]\s*[?？]?\s*$|多少|几[个号天时点]|什么|哪|怎么|是否|有没有|能不能|可不可以"
)


def is_question(text: str) -> bool:
    stripped = text.rstrip()
    return (
        stripped.endswith(("?", "？"))
        or bool(QUESTION_START.match(text))
        or bool(ZH_QUESTION.search(stripped))
    )


THANKS_ONLY = re.compile(
    r"^\s*(?:ok(?:ay)?\s*,?\s*)?"
    r"(?:cheers|ta|thanks?|thank you|thx|ty|nice one|great|lovely|brilliant)"
    r"(?:\s+(?:mate|very much|a lot|so much|love))?[\s.!]*$"
    r"|^\s*(?:好的?[，,]?\s*)?(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了?)[您你啦了哈！!。.\s]*$",
    re.IGNORECASE,
)


def is_exit(tracker: Tracker, yes_no: bool = False) -> bool:
    """ "Stop", "forget it", "bye"; at a yes/no question a plain "no" is an answer instead."""
    text = text_of(tracker)
    if EXIT_PHRASES.match(text) and not (yes_no and text.strip(" .!").lower() in PLAIN_NO):
        return True
    # the model's reading alone only when it is sure: "blah blah" may read as goodbye; a
    # "cheers" or "thanks" in the middle of a form is thanks, not goodbye
    intent, sure = intent_of(tracker), confidence(tracker) >= SURE
    if intent == "goodbye" and sure and not THANKS_ONLY.match(text):
        return True
    # a bare "no" to a question that is not yes/no is asked again, never a lost order
    bare_no = text.strip(" .!").lower() in PLAIN_NO - {"no thanks", "no thank you"}
    if intent == "deny" and sure and not yes_no and not bare_no and len(text.split()) <= 4:
        return True
    return intent == "cancel_order" and not EXISTING_ORDER.search(text)


def confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def wants_person(tracker: Tracker) -> bool:
    return intent_of(tracker) == "human_handoff" or bool(
        HANDOFF_PHRASES.search(text_of(tracker)) and len(text_of(tracker).split()) <= 8
    )


class ConversationalForm(FormValidationAction):
    """A form's validation action that holds the conversation described above and talks to
    the ERP: an outage or a refusal is said plainly and the question asked again.

    Subclasses set `form`, `working_slots` (slots their extractions set besides the form's
    own; rasa_sdk passes on only required slots) and say what leaving keeps (`leave`)."""

    @property
    @abstractmethod
    def form(self) -> str:
        """The form's name; subclasses set it as a class attribute (an abstract base is
        not registered by rasa_sdk)."""

    # The intent that starts this form (never a switch away from it).
    own_intent: str = ""
    # Questions a plain "no" answers.
    yes_no_slots: frozenset[str] = frozenset()
    working_slots: tuple[str, ...] = ()
    # The slots a form forgets when it is left.
    slots: tuple[str, ...] = ()
    # What to say when the form is left half-way (it may change what it says by overriding
    # `leave`).
    left_response = "utter_form_stopped"

    def __init__(self, client: ErpClient | None = None) -> None:
        self.client = client or ErpClient()

    def name(self) -> str:
        return f"validate_{self.form}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        with request_scope(turn_request_id(tracker)), speaking(turn_language(tracker)):
            try:
                return await self.hold(dispatcher, tracker, domain)
            except ErpUnavailable:
                dispatcher.utter_message(response=UNAVAILABLE)
            except ErpError as error:
                say_refusal(dispatcher, error, responses_of(domain))
                if error.code in NOT_ALLOWED:  # asking again cannot help: leave the form
                    return await self.leave(dispatcher, tracker, say=False)
            return [SlotSet(ATTEMPTS, attempts(tracker) + 1)]

    async def hold(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        requested = tracker.get_slot("requested_slot")
        if requested is None:  # the form starts: what the first message said is validated
            return await self.extract_and_validate(dispatcher, tracker, domain)
        before = dict(tracker.slots)
        trial = CollectingDispatcher()
        events = await self.extract_and_validate(trial, tracker, domain)
        if self.answered(events, before) and not self.side_question_first(tracker):
            dispatcher.messages.extend(trial.messages)
            return [*events, SlotSet(ATTEMPTS, 0), SlotSet(ASIDES, 0)]
        if wants_person(tracker):
            events = await self.hand_over(dispatcher, tracker)
            dispatcher.utter_message(response="utter_handoff")
            return events
        if is_exit(tracker, yes_no=requested in self.yes_no_slots):
            events = await self.leave(dispatcher, tracker)
            if intent_of(tracker) == "goodbye" or ZH_GOODBYE.search(text_of(tracker)):
                dispatcher.utter_message(response="utter_goodbye")
            return events
        intent = intent_of(tracker)
        if intent in SWITCHES and intent != self.own_intent:
            return [*await self.leave(dispatcher, tracker), FollowupAction(SWITCHES[intent])]
        if self.side_question(tracker):
            return await self.answer_aside(dispatcher, tracker, domain)
        dispatcher.messages.extend(trial.messages)
        return [*self.progress(events), SlotSet(ATTEMPTS, attempts(tracker) + 1)]

    async def extract_and_validate(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        """rasa_sdk's extraction and validation, keeping the working slots as well."""
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extracted)
        working = [e for e in extracted if e["name"] in self.working_slots]
        validated = await self._extract_validation_events(dispatcher, tracker, domain)
        return working + list(validated)

    def answered(self, events: Events, before: dict[str, Any]) -> bool:
        """Did the message answer the question, or change an earlier answer?"""
        return any(
            event.get("event") == "slot"
            and event["name"] not in ("requested_slot", ATTEMPTS, ASIDE)
            and event.get("value") != before.get(event["name"])
            for event in events
        )

    def progress(self, events: Events) -> Events:
        """What an unusable answer still records (a form may keep a partial reading)."""
        return [e for e in events if e.get("event") == "slot" and e["name"] in self.working_slots]

    def side_question_first(self, tracker: Tracker) -> bool:
        """A question ("how much is BOLT-M8?") is answered, not read as an order line: forms
        where an answer may look like a question say so here."""
        return False

    def aside_intent(self, tracker: Tracker) -> str:
        """What a side question asks: the intent read, unless the form knows better; "cheers"
        is thanks whatever the model read (it also says goodbye)."""
        return "thank" if THANKS_ONLY.match(text_of(tracker)) else intent_of(tracker)

    def side_question(self, tracker: Tracker) -> bool:
        intent = self.aside_intent(tracker)
        return intent in SIDE_ACTIONS or intent in SIDE_REPLIES

    async def answer_aside(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        intent = self.aside_intent(tracker)
        events: Events = []
        if intent in SIDE_REPLIES:
            dispatcher.utter_message(response=SIDE_REPLIES[intent])
        else:
            action: Action = SIDE_ACTIONS[intent](self.client)
            answered = await action.run(dispatcher, tracker, domain)
            required = set(self.domain_slots(domain))
            events = [
                e
                for e in answered
                if e.get("event") == "slot"
                and e["name"] in CONTEXT_SLOTS
                and e["name"] not in required
            ]
        return [*events, *self.aside_taken(tracker, intent)]

    def aside_taken(self, tracker: Tracker, what: str) -> Events:
        """A side question was answered: the question comes back (counted, so that two in
        a row are not asked back in the same words)."""
        return [
            SlotSet(ASIDE, what),
            SlotSet(ATTEMPTS, 0),
            SlotSet(ASIDES, int(tracker.get_slot(ASIDES) or 0) + 1),
        ]

    async def leave(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, say: bool = True
    ) -> Events:
        """Leave the form half-way: forget its answers and say what was kept."""
        if say:
            dispatcher.utter_message(response=self.left_response, **self.left_words(tracker))
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet(ATTEMPTS, 0),
            SlotSet(ASIDE, None),
            SlotSet(ASIDES, 0),
            *(SlotSet(name, None) for name in self.slots),
        ]

    def left_words(self, tracker: Tracker) -> dict[str, Any]:
        return {}

    async def hand_over(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
        """The user asks for a person: the form ends here (a form may keep its work for the
        person to finish)."""
        return await self.leave(dispatcher, tracker)


def attempts(tracker: Tracker) -> int:
    return int(tracker.get_slot(ATTEMPTS) or 0)
