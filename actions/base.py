"""What every ERP-backed action shares: the client, and the replies for refusals and outages."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.erp_client import ErpClient, ErpError, ErpUnavailable, new_idempotency_key
from actions.i18n import speaking, turn_language
from actions.replies import UNAVAILABLE, responses_of, say_refusal
from telemetry.logs import chat_tag, request_scope

Events = list[dict[str, Any]]
log = logging.getLogger(__name__)


class ErpAction(Action, ABC):
    """Subclasses implement `answer`; an ERP refusal becomes its plain-language reply and an
    unreachable ERP "temporarily unavailable, nothing was changed" — never silence."""

    action_name = ""

    def __init__(self, client: ErpClient | None = None) -> None:
        self.client = client or ErpClient()

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        with request_scope(turn_request_id(tracker)), speaking(turn_language(tracker)):
            log.info("action", extra={"action": self.name(), "chat": chat_tag(tracker.sender_id)})
            try:
                return await self.answer(dispatcher, tracker, domain)
            except ErpUnavailable:
                log.warning("erp unavailable", extra={"action": self.name()})
                self.say_unavailable(dispatcher)
            except ErpError as error:
                self.say_refused(dispatcher, error, domain)
            return self.failure_events(tracker)

    def say_unavailable(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(response=UNAVAILABLE)

    def say_refused(
        self, dispatcher: CollectingDispatcher, error: ErpError, domain: dict[str, Any]
    ) -> None:
        say_refusal(dispatcher, error, responses_of(domain))

    @abstractmethod
    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        """The action's work; ERP refusals and outages are answered by `run`."""

    def failure_events(self, tracker: Tracker) -> Events:
        """What the conversation records when the ERP refused or could not be reached."""
        return []


def turn_request_id(tracker: Tracker) -> str | None:
    """The request id the gateway gave this turn: it sends it in the REST channel's
    `metadata`, which Rasa keeps on the user's message."""
    metadata = tracker.latest_message.get("metadata") or {}
    request_id = metadata.get("request_id") if isinstance(metadata, dict) else None
    return request_id if isinstance(request_id, str) else None


def turn_key(tracker: Tracker, what: str) -> str:
    """An Idempotency-Key for a change the user asked for in this turn: Rasa running the
    action again for the same message replays the ERP's first answer; a new message is a
    new request."""
    message = tracker.latest_message.get("message_id") or new_idempotency_key()
    return f"{what}-{message}"


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def text_of(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None
