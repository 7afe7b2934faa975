"""A form's questions (`action_ask_<slot>`), asked the way actions/conversation.py says: the
plain question first; after a side question, where the form stands; after an answer that could
not be used, what is accepted, with buttons and the way out; from the third, a person too."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events
from actions.conversation import ASIDE, ASIDES, attempts
from actions.i18n import N_, titled

STOP_BUTTON = {"title": N_("Stop"), "payload": "stop"}
PERSON_BUTTON = {"title": N_("Talk to a person"), "payload": "/human_handoff"}


class FormQuestion(ErpAction):
    """Asks a form's question (`action_ask_<slot>`): the plain question the first time;
    after a side question, where the form stands first; after an answer that could not be
    used, what is accepted with buttons and how to get out; from the third, a person too.
    The wording alternates, so the same re-prompt never comes twice in a row."""

    @abstractmethod
    async def ask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        """The plain question."""

    @abstractmethod
    def where_we_are(self, tracker: Tracker) -> dict[str, Any]:
        """The reply (and its values) that says where the form stands."""

    hint_response = ""
    hint_buttons: list[dict[str, str]] = []

    def not_understood(self, tracker: Tracker, tries: int) -> str:
        """What to say before asking again; it changes each time, so no two are the same."""
        if tries == 1:
            return "utter_cannot_use_that"
        return "utter_still_not_understood" if tries % 2 else "utter_not_understood_again"

    def hint_for(self, tracker: Tracker) -> str:
        """The reply that says what is accepted; "" to ask the question itself again."""
        return self.hint_response

    def hint(self, tracker: Tracker) -> dict[str, Any]:
        """The values of the hint's text."""
        return {}

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        tries = attempts(tracker)
        if tracker.get_slot(ASIDE):
            dispatcher.utter_message(**self.where_we_are(tracker))
            # the second side question in a row gets the question in other words
            if int(tracker.get_slot(ASIDES) or 0) % 2 == 0:
                if not self.hint_for(tracker):
                    dispatcher.utter_message(response="utter_still_need_this")
                    return [*await self.ask(dispatcher, tracker, domain), SlotSet(ASIDE, None)]
                buttons = titled([*self.hint_buttons, STOP_BUTTON])
                dispatcher.utter_message(
                    response=self.hint_for(tracker), buttons=buttons, **self.hint(tracker)
                )
                return [SlotSet(ASIDE, None)]
        if tries == 0:
            events = await self.ask(dispatcher, tracker, domain)
            return [*events, SlotSet(ASIDE, None)]
        hint = self.hint_for(tracker)
        if tries >= 2 or not hint:
            dispatcher.utter_message(response=self.not_understood(tracker, tries))
        if hint:
            buttons = titled(
                [*self.hint_buttons, STOP_BUTTON] + ([PERSON_BUTTON] if tries >= 2 else [])
            )
            dispatcher.utter_message(response=hint, buttons=buttons, **self.hint(tracker))
            return [SlotSet(ASIDE, None)]
        events = await self.ask(dispatcher, tracker, domain)
        if tries >= 2:
            dispatcher.utter_message(response="utter_offer_person", buttons=titled([PERSON_BUTTON]))
        return [*events, SlotSet(ASIDE, None)]
