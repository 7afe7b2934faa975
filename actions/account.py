"""Linking a chat to an ERP account with a one-time code."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity

CODE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(?![0-9A-Za-z])")  # also inside Chinese: "绑定码482913"


class ActionLinkAccount(ErpAction):
    action_name = "action_link_account"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        code = entity(tracker, "link_code")
        if code is None:
            found = CODE.search(tracker.latest_message.get("text") or "")
            code = found.group(1) if found else None
        if code is None:
            dispatcher.utter_message(response="utter_how_to_link")
            return []
        linked = await self.client.link(tracker.sender_id, code)
        who = linked["customer_code"] or linked["principal_name"]
        dispatcher.utter_message(response="utter_linked", account=who, role=linked["role"])
        return []
