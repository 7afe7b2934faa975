"""Linking a chat to an ERP account with a one-time code."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.erp_client import ErpClient, ErpError, ErpUnavailable
from actions.replies import UNAVAILABLE, responses_of, say_refusal

CODE = re.compile(r"\b(\d{6})\b")


class ActionLinkAccount(Action):
    def __init__(self, client: ErpClient | None = None) -> None:
        self.client = client or ErpClient()

    def name(self) -> str:
        return "action_link_account"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        code = next(tracker.get_latest_entity_values("link_code"), None)
        if code is None:
            found = CODE.search(tracker.latest_message.get("text") or "")
            code = found.group(1) if found else None
        if code is None:
            dispatcher.utter_message(response="utter_how_to_link")
            return []
        try:
            linked = await self.client.link(tracker.sender_id, code)
        except ErpUnavailable:
            dispatcher.utter_message(response=UNAVAILABLE)
            return []
        except ErpError as error:
            say_refusal(dispatcher, error, responses_of(domain))
            return []
        who = linked["customer_code"] or linked["principal_name"]
        dispatcher.utter_message(response="utter_linked", account=who, role=linked["role"])
        return []
