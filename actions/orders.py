"""Order questions: status, tracking, the chat's orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction, Events, entity
from actions.erp_client import ErpClient
from actions.replies import status_words


async def order_meant(
    client: ErpClient, tracker: Tracker, number: str | None, dispatcher: CollectingDispatcher
) -> dict[str, Any] | None:
    """The order named, or without a number the chat's latest; None (said) when it has none."""
    if number is not None:
        return await client.order(tracker.sender_id, number.upper())
    latest = await client.my_orders(tracker.sender_id, limit=1)
    if not latest:
        dispatcher.utter_message(response="utter_no_orders_yet")
        return None
    return latest[0]


class ActionOrderStatus(ErpAction):
    """ "Where is SO-2026-00042?" — or, without a number, the chat's latest order."""

    action_name = "action_order_status"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        order = await order_meant(self.client, tracker, entity(tracker, "order_number"), dispatcher)
        if order is None:
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
        return [SlotSet("order_number", order["number"])]


class ActionListMyOrders(ErpAction):
    """The chat's five most recent orders (a rep or manager sees everyone's)."""

    action_name = "action_list_my_orders"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        orders = await self.client.my_orders(tracker.sender_id, limit=5)
        if not orders:
            dispatcher.utter_message(response="utter_no_orders_yet")
            return []
        lines = "\n".join(
            f"• {o['number']} ({o['customer_code']}): {status_words(o['status'])}, {o['total']}"
            for o in orders
        )
        dispatcher.utter_message(
            response="utter_my_orders",
            orders=lines,
            buttons=[
                {
                    "title": o["number"],
                    "payload": f'/check_order_status{{"order_number": "{o["number"]}"}}',
                }
                for o in orders[:3]
            ],
        )
        return []


class ActionTrackShipment(ErpAction):
    """ "Track SO-2026-00042": carrier, tracking number and the order's timeline."""

    action_name = "action_track_shipment"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        number = entity(tracker, "order_number") or tracker.get_slot("order_number")
        order = await order_meant(self.client, tracker, number, dispatcher)
        if order is None:
            return []
        events = await self.client.order_events(tracker.sender_id, order["number"])
        timeline = "\n".join(
            f"• {timestamp(e['at'])}: {e['note'] or status_words(e['status'])}" for e in events
        )
        if order.get("tracking_number"):
            dispatcher.utter_message(
                response="utter_order_tracking_timeline",
                order_number=order["number"],
                carrier=order["carrier"],
                tracking_number=order["tracking_number"],
                timeline=timeline,
            )
        else:
            dispatcher.utter_message(
                response="utter_order_not_shipped_timeline",
                order_number=order["number"],
                status=status_words(order["status"]),
                timeline=timeline,
            )
        return [SlotSet("order_number", order["number"])]


def timestamp(at: str) -> str:
    """ "2026-11-24T10:02:11Z" → "24 Nov 10:02" (UTC, as the ERP keeps it)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return f"{moment.day} {moment:%b %H:%M}"
