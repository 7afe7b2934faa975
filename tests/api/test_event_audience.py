"""Each event of the feed names the chats to tell: the customer's contacts, the order's
creator, the approvers, as domain/notifications.py says; never the chat that caused it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_identity_api import chat, issue_code
from tests.world import World


def link(client: TestClient, world: World, identity: str, **whom: str) -> dict[str, str]:
    code = issue_code(client, world, who="manager", **whom)
    headers = chat(world, identity)
    linked = client.post("/api/v1/identity/links", json={"code": code}, headers=headers)
    assert linked.status_code == 200, linked.text
    return headers


def feed(client: TestClient, world: World) -> list[dict[str, Any]]:
    response = client.get("/api/v1/events", params={"after": 0}, headers=world.headers("service"))
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def audience(events: list[dict[str, Any]], event_type: str, number: str) -> list[str]:
    (event,) = [
        e for e in events if e["type"] == event_type and e["payload"]["order_number"] == number
    ]
    found: list[str] = event["audience"]
    return found


def test_events_reach_the_people_they_concern(client: TestClient, world: World) -> None:
    link(client, world, "telegram:1", customer_code="CUST-A")
    link(client, world, "web:cust-a-office", customer_code="CUST-A")
    rep_chat = link(client, world, "telegram:2", principal_name="rep")
    link(client, world, "telegram:3", principal_name="finance")
    link(client, world, "telegram:4", customer_code="CUST-B")
    link(client, world, "telegram:5", principal_name="warehouse")

    # the rep orders by chat: confirmed at once; the rep's chat heard it in the conversation
    body = {"customer_code": "CUST-A", "lines": [{"sku": "WIDGET", "quantity": 2}]}
    placed = client.post("/api/v1/orders", json=body, headers=rep_chat).json()["number"]
    submitted = client.post(f"/api/v1/orders/{placed}/submit", headers=rep_chat)
    assert submitted.json()["status"] == "confirmed"
    # the warehouse ships it (not from a chat): customer contacts and the rep are told
    for step in ("pick", "pack"):
        client.post(f"/api/v1/orders/{placed}/{step}", headers=world.headers("warehouse"))
    shipped = client.post(
        f"/api/v1/orders/{placed}/ship",
        json={"carrier": "DHL Freight", "tracking_number": "JD0146000088"},
        headers=world.headers("warehouse"),
    )
    assert shipped.status_code == 200, shipped.text

    # a discount above the rep's authority waits for approval; finance rejects it
    held_body = {
        "customer_code": "CUST-A",
        "lines": [{"sku": "WIDGET", "quantity": 1, "discount_pct": "15"}],
    }
    held = client.post("/api/v1/orders", json=held_body, headers=world.headers("rep")).json()
    client.post(f"/api/v1/orders/{held['number']}/submit", headers=world.headers("rep"))
    rejected = client.post(
        f"/api/v1/orders/{held['number']}/reject",
        json={"reason": "15 % is too much for this customer"},
        headers=world.headers("finance"),
    )
    assert rejected.status_code == 200, rejected.text

    events = feed(client, world)
    assert audience(events, "order.confirmed", placed) == ["telegram:1", "web:cust-a-office"]
    assert audience(events, "order.shipped", placed) == [
        "telegram:1",
        "telegram:2",
        "web:cust-a-office",
    ]
    assert audience(events, "approval.requested", held["number"]) == ["telegram:3"]
    assert audience(events, "order.rejected", held["number"]) == ["telegram:2"]
    # records, not news: nobody is told
    assert all(e["audience"] == [] for e in events if e["type"] == "invoice.issued")
    everyone = {chat for e in events for chat in e["audience"]}
    assert "telegram:4" not in everyone  # another customer's chat hears nothing of CUST-A
    assert "telegram:5" not in everyone
