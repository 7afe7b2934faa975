"""The reorder point: crossing it raises one replenishment request, once, on SQLite and on
PostgreSQL; a receipt closes it and the next crossing raises a new one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import OutboxEvent, Product, ReplenishmentRequest
from erp_backend.services import orders as svc
from erp_backend.services.stock import receive_stock
from tests.world import World, build_world, outbox_types, place, status_of

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    world = build_world(sessions, NOW)
    # BOLT-M8: 1000 on hand; reorder at 600, buy 2000. WIDGET: 10 on hand; reorder at 4, buy 20.
    set_reorder(sessions, "BOLT-M8", 600, 2000)
    set_reorder(sessions, "WIDGET", 4, 20)
    return world


def set_reorder(sessions: sessionmaker[Session], sku: str, point: int, qty: int) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            update(Product).where(Product.sku == sku).values(reorder_point=point, reorder_qty=qty)
        )


def requests(sessions: sessionmaker[Session]) -> list[tuple[str, int, str]]:
    with unit_of_work(sessions) as session:
        rows = session.scalars(
            select(ReplenishmentRequest).order_by(ReplenishmentRequest.id)
        ).unique()
        return [(r.product.sku, r.quantity, r.status) for r in rows]


def requested_events(sessions: sessionmaker[Session]) -> list[dict[str, object]]:
    with unit_of_work(sessions) as session:
        return list(
            session.scalars(
                select(OutboxEvent.payload)
                .where(OutboxEvent.type == "replenishment.requested")
                .order_by(OutboxEvent.id)
            )
        )


def test_crossing_the_reorder_point_raises_one_request_once(
    sessions: sessionmaker[Session], world: World
) -> None:
    place(sessions, world, [("BOLT-M8", 300)])  # available 700: above 600, nothing
    assert requests(sessions) == []
    place(sessions, world, [("BOLT-M8", 200)])  # available 500: crossed
    assert requests(sessions) == [("BOLT-M8", 2000, "open")]
    place(sessions, world, [("BOLT-M8", 100)])  # still under, request open: nothing added
    place(sessions, world, [("BOLT-M8", 50), ("NUT-M10", 10)])
    assert requests(sessions) == [("BOLT-M8", 2000, "open")]
    events = requested_events(sessions)
    assert len(events) == 1
    assert {k: events[0][k] for k in ("sku", "quantity", "available", "reorder_point")} == {
        "sku": "BOLT-M8",
        "quantity": 2000,
        "available": 500,
        "reorder_point": 600,
    }
    assert outbox_types(sessions).count("order.confirmed") == 4


def test_a_receipt_closes_it_and_the_next_crossing_raises_a_new_one(
    sessions: sessionmaker[Session], world: World
) -> None:
    place(sessions, world, [("BOLT-M8", 500)])  # available 500
    with unit_of_work(sessions) as session:
        receive_stock(session, world.actors["warehouse"], "BOLT-M8", 1500, NOW)
    assert requests(sessions) == [("BOLT-M8", 500, "open")]  # 2000 asked, 1500 came so far
    with unit_of_work(sessions) as session:
        receive_stock(session, world.actors["warehouse"], "BOLT-M8", 500, NOW)
    assert requests(sessions) == [("BOLT-M8", 0, "fulfilled")]  # available now 2500
    place(sessions, world, [("BOLT-M8", 1800)])  # available 700: above 600
    assert len(requests(sessions)) == 1
    place(sessions, world, [("BOLT-M8", 200)])  # available 500: crossed again
    assert requests(sessions) == [("BOLT-M8", 0, "fulfilled"), ("BOLT-M8", 2000, "open")]
    assert len(requested_events(sessions)) == 2


def test_a_shortfall_adds_to_the_reorder_quantity_raised_with_it(
    sessions: sessionmaker[Session], world: World
) -> None:
    set_reorder(sessions, "GADGET", 5, 30)
    first = place(sessions, world, [("GADGET", 4)])  # none on hand: under 5, and 4 short
    assert status_of(sessions, first) == "awaiting_stock"
    assert requests(sessions) == [("GADGET", 34, "open")]  # reorder_qty 30 + shortfall 4
    place(sessions, world, [("GADGET", 2)])  # 2 more short: the shortfall adds, 30 does not
    assert requests(sessions) == [("GADGET", 36, "open")]
    assert len(requested_events(sessions)) == 1
    with unit_of_work(sessions) as session:
        stock, confirmed = receive_stock(session, world.actors["warehouse"], "GADGET", 36, NOW)
        assert (stock.available, len(confirmed)) == (30, 2)
    assert requests(sessions) == [("GADGET", 0, "fulfilled")]  # 30 left: over 5, no new one


def test_stock_given_to_waiting_orders_can_cross_the_point(
    sessions: sessionmaker[Session], world: World
) -> None:
    """A receipt whose stock goes straight to waiting orders, closing a small request, leaves
    the product under its reorder point: a new request is raised in that transaction."""
    waiting = place(sessions, world, [("GADGET", 4)])  # no reorder point yet: shortfall only
    assert requests(sessions) == [("GADGET", 4, "open")]
    set_reorder(sessions, "GADGET", 5, 30)
    with unit_of_work(sessions) as session:
        _, confirmed = receive_stock(session, world.actors["warehouse"], "GADGET", 6, NOW)
    assert confirmed == [waiting]  # available 2, under 5, and the old request is closed
    assert requests(sessions) == [("GADGET", 0, "fulfilled"), ("GADGET", 30, "open")]
    (event,) = requested_events(sessions)
    assert event["available"] == 2


def test_a_reorder_point_of_zero_never_triggers(
    sessions: sessionmaker[Session], world: World
) -> None:
    place(sessions, world, [("NUT-M10", 500)])  # all of it: available 0, reorder point 0
    place(sessions, world, [("NUT-M10", 1)])  # a shortfall still asks for what is missing
    assert requests(sessions) == [("NUT-M10", 1, "open")]
    assert requested_events(sessions) == []


def test_without_a_reorder_quantity_it_asks_back_up_to_the_point(
    sessions: sessionmaker[Session], world: World
) -> None:
    set_reorder(sessions, "NUT-M10", 100, 0)
    place(sessions, world, [("NUT-M10", 430)])  # available 70
    assert requests(sessions) == [("NUT-M10", 30, "open")]


def test_cancelling_frees_stock_for_waiting_orders_and_rechecks(
    sessions: sessionmaker[Session], world: World
) -> None:
    """Release → allocation to a waiting order is a reservation too."""
    set_reorder(sessions, "WIDGET", 0, 0)
    held = place(sessions, world, [("WIDGET", 8)])
    waiting = place(sessions, world, [("WIDGET", 9)], at=NOW + timedelta(minutes=1))
    set_reorder(sessions, "WIDGET", 4, 20)
    with unit_of_work(sessions) as session:
        session.execute(update(ReplenishmentRequest).values(status="fulfilled"))
        svc.cancel_order(session, world.actors["rep"], held, None, NOW)
    assert status_of(sessions, waiting) == "confirmed"  # available 1, under 4
    assert requests(sessions)[-1] == ("WIDGET", 20, "open")


def test_concurrent_orders_crossing_together_raise_one_request(
    sessions: sessionmaker[Session], world: World
) -> None:
    place(sessions, world, [("BOLT-M8", 390)])  # available 610
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda _: place(sessions, world, [("BOLT-M8", 20)]), range(6)))
    assert {status_of(sessions, n) for n in numbers} == {"confirmed"}
    assert requests(sessions) == [("BOLT-M8", 2000, "open")]
    assert len(requested_events(sessions)) == 1
