"""Forecasts, reorder-point proposals and the replenishment news over HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Customer, Order, OrderLine, Product
from erp_backend.services.forecast import add_months
from tests.api.test_event_audience import feed, link
from tests.world import World

# Units of BOLT-M8 ordered in each of the last 14 whole months, oldest first.
BOLT_DEMAND = [900, 1100, 1000, 950, 1050, 1000, 980, 1020, 1000, 990, 1010, 1000, 1005, 995]


def add_history(
    sessions: sessionmaker[Session],
    sku: str,
    monthly: list[int],
    today: date,
    status: str = "delivered",
    day: int = 3,
) -> None:
    """Past orders of `sku`, one per month, ending with the month before `today`'s."""
    this_month = today.replace(day=1)
    with unit_of_work(sessions) as session:
        product = session.scalars(select(Product).where(Product.sku == sku)).unique().one()
        customer = session.scalars(select(Customer).where(Customer.code == "CUST-A")).one()
        start = add_months(this_month, -len(monthly))
        for offset, quantity in enumerate(monthly):
            if not quantity:
                continue
            month = add_months(start, offset)
            at = datetime.combine(month.replace(day=day), time(10), UTC)
            amount = product.unit_price * quantity
            order = Order(
                number=f"SO-H-{sku[:6]}-{status[:4]}-{offset:03d}",
                customer_id=customer.id,
                status=status,
                channel="api",
                total=amount,
                approval_reasons=[],
                created_at=at,
                updated_at=at,
                submitted_at=at,
            )
            order.lines.append(
                OrderLine(
                    line_no=1,
                    product_id=product.id,
                    quantity=quantity,
                    unit_price=product.unit_price,
                    discount_pct=Decimal(0),
                    line_total=amount,
                )
            )
            session.add(order)


@pytest.fixture
def today(client: TestClient, sessions: sessionmaker[Session]) -> date:
    now: datetime = client.app.state.clock()  # type: ignore[attr-defined]
    return now.date()


def test_a_forecast_shows_history_forecast_and_proposal(
    client: TestClient, world: World, sessions: sessionmaker[Session], today: date
) -> None:
    add_history(sessions, "BOLT-M8", BOLT_DEMAND, today)
    # not demand: cancelled orders, drafts, orders held for approval
    for status in ("cancelled", "draft", "pending_approval"):
        add_history(sessions, "BOLT-M8", [500] * 14, today, status=status)
    # demand: an order waiting for stock is wanted all the same
    add_history(sessions, "BOLT-M8", [0] * 13 + [100], today, status="awaiting_stock", day=9)
    response = client.get(
        "/api/v1/products/bolt-m8/forecast", params={"months": 4}, headers=world.headers("rep")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    last_month = add_months(today.replace(day=1), -1)
    assert [m["quantity"] for m in body["history"]] == [*BOLT_DEMAND[:-1], 1095]
    assert body["history"][-1]["month"] == f"{last_month:%Y-%m}"
    assert [m["month"] for m in body["forecast"]] == [
        f"{add_months(last_month, i):%Y-%m}" for i in range(1, 5)
    ]
    assert body["method"] == "holt_damped_trend"  # 14 months: no season yet
    assert all(900 < m["quantity"] < 1150 for m in body["forecast"])
    # 14 days of ~1000 a month is ~460, plus safety stock for the wobble
    assert 460 < body["proposed_reorder_point"] < 700
    assert 950 < body["proposed_reorder_qty"] < 1100
    assert (body["reorder_point"], body["reorder_qty"], body["available"]) == (0, 0, 1000)
    assert body["policy"] == {"lead_time_days": 14, "service_level": 0.95, "cover_days": 30}


def test_the_current_month_and_a_partial_first_month_are_not_history(
    client: TestClient, world: World, sessions: sessionmaker[Session], today: date
) -> None:
    add_history(sessions, "NUT-M10", [300, 200, 400], today, day=15)  # the first began late
    this_month = add_months(today.replace(day=1), 1)  # orders of the month in progress
    add_history(sessions, "NUT-M10", [5], this_month, status="confirmed")  # are not history
    body = client.get("/api/v1/products/NUT-M10/forecast", headers=world.headers("manager")).json()
    assert [m["quantity"] for m in body["history"]] == [200, 400]
    assert (body["method"], body["forecast"][0]["quantity"]) == ("mean", 300.0)


def test_a_product_never_sold_forecasts_zero(client: TestClient, world: World) -> None:
    body = client.get("/api/v1/products/GADGET/forecast", headers=world.headers("finance")).json()
    assert body["history"] == []
    assert [m["quantity"] for m in body["forecast"]] == [0.0, 0.0, 0.0]
    assert (body["proposed_reorder_point"], body["proposed_reorder_qty"]) == (0, 0)


def test_forecasts_are_for_staff(client: TestClient, world: World) -> None:
    for path in ("/api/v1/products/BOLT-M8/forecast", "/api/v1/replenishment/proposals"):
        denied = client.get(path, headers=world.headers("CUST-A"))
        assert (denied.status_code, denied.json()["code"]) == (403, "FORBIDDEN")
        allowed = client.get(path, headers=world.headers("warehouse"))
        assert allowed.status_code == 200
    unknown = client.get("/api/v1/products/NOPE-1/forecast", headers=world.headers("rep"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    too_far = client.get(
        "/api/v1/products/BOLT-M8/forecast", params={"months": 0}, headers=world.headers("rep")
    )
    assert (too_far.status_code, too_far.json()["code"]) == (422, "VALIDATION_ERROR")


def test_proposals_list_what_a_planner_should_look_at(
    client: TestClient, world: World, sessions: sessionmaker[Session], today: date
) -> None:
    add_history(sessions, "BOLT-M8", BOLT_DEMAND, today)
    manager = world.headers("manager")
    client.patch("/api/v1/products/GADGET", json={"reorder_point": 3}, headers=manager)

    def proposals() -> dict[str, dict[str, object]]:
        response = client.get("/api/v1/replenishment/proposals", headers=world.headers("rep"))
        assert response.status_code == 200, response.text
        return {item["sku"]: item for item in response.json()["items"]}

    found = proposals()
    # BOLT-M8 sells ~1000 a month with no reorder point; GADGET is out and under its point
    # (and nothing sold, so the forecast proposes 0 for it); the rest sell nothing, have no
    # reorder point and stay off the list
    assert set(found) == {"BOLT-M8", "GADGET"}
    assert found["BOLT-M8"]["reasons"] == ["reorder_point_differs"]
    assert found["GADGET"]["reasons"] == ["reorder_point_differs", "under_reorder_point"]
    proposed = found["BOLT-M8"]["proposed_reorder_point"]
    client.patch("/api/v1/products/BOLT-M8", json={"reorder_point": proposed}, headers=manager)
    assert "BOLT-M8" not in proposals()  # taken up: nothing more to propose


def test_replenishment_news_reaches_stock_keepers_only(client: TestClient, world: World) -> None:
    link(client, world, "telegram:5", principal_name="warehouse")
    link(client, world, "telegram:6", principal_name="manager")
    rep_chat = link(client, world, "telegram:2", principal_name="rep")
    link(client, world, "telegram:3", principal_name="finance")
    link(client, world, "telegram:1", customer_code="CUST-A")
    client.patch(
        "/api/v1/products/WIDGET",
        json={"reorder_point": 5, "reorder_qty": 40},
        headers=world.headers("manager"),
    )
    body = {"customer_code": "CUST-A", "lines": [{"sku": "WIDGET", "quantity": 6}]}
    for _ in range(2):  # the second order finds the request open: no second news
        number = client.post("/api/v1/orders", json=body, headers=rep_chat).json()["number"]
        client.post(f"/api/v1/orders/{number}/submit", headers=rep_chat)
    (event,) = [e for e in feed(client, world) if e["type"] == "replenishment.requested"]
    assert event["audience"] == ["telegram:5", "telegram:6"]
    assert {k: event["payload"][k] for k in ("sku", "quantity", "available")} == {
        "sku": "WIDGET",
        "quantity": 40,
        "available": 4,
    }
    requests = client.get(
        "/api/v1/replenishment-requests", headers=world.headers("warehouse")
    ).json()["items"]
    # the second order (6 of the 4 left) is short by 2, which adds to the open request
    assert [(r["sku"], r["quantity"], r["status"]) for r in requests] == [("WIDGET", 42, "open")]
