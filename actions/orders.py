"""Order questions: status and tracking."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.erp_client import ErpClient, ErpError, ErpUnavailable
from actions.replies import UNAVAILABLE, responses_of, say_refusal, status_words


class ActionOrderStatus(Action):
    """ "Where is SO-2026-00042?" — or, without a number, the chat's latest order."""

    def __init__(self, client: ErpClient | None = None) -> None:
        self.client = client or ErpClient()

    def name(self) -> str:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        chat = tracker.sender_id
        number = next(tracker.get_latest_entity_values("order_number"), None)
        try:
            if number is None:
                latest = await self.client.my_orders(chat, limit=1)
                if not latest:
                    dispatcher.utter_message(response="utter_no_orders_yet")
                    return []
                order = latest[0]
            else:
                order = await self.client.order(chat, number.upper())
        except ErpUnavailable:
            dispatcher.utter_message(response=UNAVAILABLE)
            return []
        except ErpError as error:
            say_refusal(dispatcher, error, responses_of(domain))
            return []
        dispatcher.utter_message(
            response="utter_order_status",
            order_number=order["number"],
            status=status_words(order["status"]),
            total=order["total"],
        )
        if order.get("tracking_number"):
            dispatcher.utter_message(
                response="utter_order_tracking",
                carrier=order["carrier"],
                tracking_number=order["tracking_number"],
            )
        return [{"event": "slot", "name": "order_number", "value": order["number"]}]
