"""The order process through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import OrderEvent, OutboxEvent, ReplenishmentRequest
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.services import orders as svc
from erp_backend.services.orders import LineRequest, OrderRequest
from erp_backend.services.stock import receive_stock
from tests.world import World, add_open_invoice, build_world, outbox_types, place, status_of, stock

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions, NOW)


def test_draft_has_number_and_priced_preview(sessions: sessionmaker[Session], world: World) -> None:
    with unit_of_work(sessions) as session:
        order = svc.create_order(
            session,
            world.actors["rep"],
            OrderRequest(
                "CUST-A", [LineRequest("BOLT-M8", 40), LineRequest("NUT-M10", 40, Decimal("5"))]
            ),
            NOW,
        )
        assert order.number == "SO-2026-00001"
        assert order.status == "draft"
        assert [line.line_total for line in order.lines] == [Decimal("5.60"), Decimal("2.28")]
        assert order.total == Decimal("7.88")
        assert order.shipping_address == "1 CUST-A Street"
    assert stock(sessions, "BOLT-M8") == (1000, 0)  # a draft reserves nothing


def test_numbers_count_per_year_without_gaps(sessions: sessionmaker[Session], world: World) -> None:
    first = place(sessions, world, [("BOLT-M8", 1)], submit=False)
    with pytest.raises(DomainError):  # a refused create must not consume a number
        place(sessions, world, [("NOPE", 1)], submit=False)
    second = place(sessions, world, [("BOLT-M8", 1)], submit=False)
    next_year = place(sessions, world, [("BOLT-M8", 1)], submit=False, at=NOW.replace(year=2027))
    assert (first, second, next_year) == ("SO-2026-00001", "SO-2026-00002", "SO-2027-00001")


def test_submit_with_stock_confirms_and_reserves(
    sessions: sessionmaker[Session], world: World
) -> None:
    number = place(sessions, world, [("BOLT-M8", 400), ("NUT-M10", 100), ("BOLT-M8", 100)])
    assert status_of(sessions, number) == "confirmed"
    assert stock(sessions, "BOLT-M8") == (1000, 500)
    assert stock(sessions, "NUT-M10") == (500, 100)
    assert outbox_types(sessions) == ["order.confirmed"]


def test_shortfall_waits_reserves_nothing_and_requests_replenishment(
    sessions: sessionmaker[Session], world: World
) -> None:
    number = place(sessions, world, [("BOLT-M8", 10), ("WIDGET", 25)])
    assert status_of(sessions, number) == "awaiting_stock"
    assert stock(sessions, "BOLT-M8") == (1000, 0)  # all lines or none
    assert stock(sessions, "WIDGET") == (10, 0)
    place(sessions, world, [("WIDGET", 12)])  # a second shortfall adds to the same request
    with unit_of_work(sessions) as session:
        requests = session.scalars(select(ReplenishmentRequest)).unique().all()
        assert [(r.product.sku, r.quantity, r.status) for r in requests] == [("WIDGET", 17, "open")]
        payload = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.type == "order.awaiting_stock")
        ).first()
        assert payload is not None
        assert payload["shortfall"] == [{"sku": "WIDGET", "quantity": 15}]


def test_receipt_confirms_waiting_orders_first_come_first_served(
    sessions: sessionmaker[Session], world: World
) -> None:
    first = place(sessions, world, [("GADGET", 6)], at=NOW)
    second = place(sessions, world, [("GADGET", 5)], at=NOW + timedelta(minutes=1))
    third = place(sessions, world, [("GADGET", 3)], at=NOW + timedelta(minutes=2))
    with unit_of_work(sessions) as session:
        _, confirmed = receive_stock(session, world.actors["warehouse"], "GADGET", 9, NOW)
    # the first is served first; the second cannot be filled but does not block the third
    assert confirmed == [first, third]
    assert [status_of(sessions, n) for n in (first, second, third)] == [
        "confirmed",
        "awaiting_stock",
        "confirmed",
    ]
    assert stock(sessions, "GADGET") == (9, 9)
    with unit_of_work(sessions) as session:
        request = session.scalars(select(ReplenishmentRequest)).unique().one()
        assert (request.quantity, request.status) == (5, "open")  # 14 short, 9 received


def test_cancel_releases_the_reservation(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("BOLT-M8", 300)])
    assert stock(sessions, "BOLT-M8") == (1000, 300)
    with unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["CUST-A"], number, "changed my mind", NOW)
    assert status_of(sessions, number) == "cancelled"
    assert stock(sessions, "BOLT-M8") == (1000, 0)
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["rep"], number, None, NOW)
    assert raised.value.code is ErrorCode.INVALID_TRANSITION


def test_discount_over_authority_is_held_then_rejected_edited_and_resubmitted(
    sessions: sessionmaker[Session], world: World
) -> None:
    number = place(sessions, world, [("BOLT-M8", 100, "15")])  # a rep may give 10 %
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, number)
        assert (order.status, order.approval_reasons) == ("pending_approval", ["PRICE"])
    assert stock(sessions, "BOLT-M8") == (1000, 0)
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        svc.approve_order(session, world.actors["rep"], number, NOW)  # reps do not approve
    assert raised.value.code is ErrorCode.FORBIDDEN
    with unit_of_work(sessions) as session:
        svc.reject_order(session, world.actors["finance"], number, "10 % at most", NOW)
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, number)
        assert (order.status, order.rejection_reason) == ("draft", "10 % at most")
        svc.edit_order(
            session,
            world.actors["rep"],
            number,
            OrderRequest(None, [LineRequest("BOLT-M8", 100, Decimal("10"))]),
            NOW,
        )
    with unit_of_work(sessions) as session:
        order = svc.submit_order(session, world.actors["rep"], number, NOW)
        assert order.status == "confirmed"
        assert order.total == Decimal("12.60")
    assert "order.rejected" in outbox_types(sessions)


def test_approval_reserves_stock(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("WIDGET", 4, "20")])
    with unit_of_work(sessions) as session:
        svc.approve_order(session, world.actors["finance"], number, NOW)
    assert status_of(sessions, number) == "confirmed"
    assert stock(sessions, "WIDGET") == (10, 4)


def test_credit_exposure_counts_receivables_and_committed_orders(
    sessions: sessionmaker[Session], world: World
) -> None:
    # CUST-B has a limit of 100.00
    first = place(sessions, world, [("GADGET", 10)], customer="CUST-B")  # 50.00, awaiting stock
    assert status_of(sessions, first) == "awaiting_stock"  # committed: counts
    add_open_invoice(sessions, first, "40.00")
    second = place(sessions, world, [("WIDGET", 10)], customer="CUST-B")  # 10.00 -> 100.00
    assert status_of(sessions, second) == "confirmed"
    third = place(sessions, world, [("BOLT-M8", 1)], customer="CUST-B")  # 0.14 -> over
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, third)
        assert (order.status, order.approval_reasons) == ("pending_approval", ["CREDIT"])
        assert svc.credit_exposure(session, world.customer_ids["CUST-B"]) == Decimal("100.00")
    assert outbox_types(sessions).count("approval.requested") == 1


def test_inactive_customer_and_product_are_refused(
    sessions: sessionmaker[Session], world: World
) -> None:
    with pytest.raises(DomainError) as raised:
        place(sessions, world, [("BOLT-M8", 1)], customer="CUST-X")
    assert raised.value.code is ErrorCode.CUSTOMER_INACTIVE
    with pytest.raises(DomainError) as raised:
        place(sessions, world, [("OLD-ITEM", 1)])
    assert raised.value.code is ErrorCode.PRODUCT_INACTIVE


def test_customer_orders_only_for_itself(sessions: sessionmaker[Session], world: World) -> None:
    own = place(sessions, world, [("BOLT-M8", 1)], who="CUST-A", customer=None)
    with unit_of_work(sessions) as session:
        assert repo.order_by_number(session, own).customer.code == "CUST-A"
    with pytest.raises(DomainError) as raised:
        place(sessions, world, [("BOLT-M8", 1)], who="CUST-A", customer="CUST-B")
    assert raised.value.code is ErrorCode.UNKNOWN_CUSTOMER
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        svc.get_order(session, world.actors["CUST-B"], own)
    assert raised.value.code is ErrorCode.NOT_FOUND


def test_every_transition_writes_its_timeline(
    sessions: sessionmaker[Session], world: World
) -> None:
    number = place(sessions, world, [("BOLT-M8", 1)])
    with unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["rep"], number, None, NOW)
    with unit_of_work(sessions) as session:
        kinds = [e.kind for e in svc.order_events(session, world.actors["rep"], number)]
        assert kinds == ["created", "submitted", "confirmed", "cancelled"]
        assert session.scalar(select(func.count()).select_from(OrderEvent)) == 4


def test_a_failed_submit_leaves_nothing_half_written(
    sessions: sessionmaker[Session], world: World
) -> None:
    number = place(sessions, world, [("BOLT-M8", 10)], submit=False)

    def crash_before_commit() -> None:
        with unit_of_work(sessions) as session:
            svc.submit_order(session, world.actors["rep"], number, NOW)
            raise RuntimeError("crash after the reservation, before commit")

    with pytest.raises(RuntimeError):
        crash_before_commit()
    assert status_of(sessions, number) == "draft"
    assert stock(sessions, "BOLT-M8") == (1000, 0)
    assert outbox_types(sessions) == []


def test_cancelling_a_confirmed_order_serves_the_orders_waiting_for_its_stock(
    sessions: sessionmaker[Session], world: World
) -> None:
    holder = place(sessions, world, [("WIDGET", 8)])
    waiting = place(sessions, world, [("WIDGET", 5)])
    assert (status_of(sessions, holder), status_of(sessions, waiting)) == (
        "confirmed",
        "awaiting_stock",
    )
    with unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["rep"], holder, "customer withdrew", NOW)
    assert status_of(sessions, waiting) == "confirmed"
    assert stock(sessions, "WIDGET") == (10, 5)


def test_shortfalls_keep_adding_up_once_statements_are_prepared(
    sessions: sessionmaker[Session], world: World
) -> None:
    # psycopg prepares a statement after 5 runs on a connection and PostgreSQL switches a
    # prepared statement to a generic plan after 5 more; the partial-index upsert must still
    # find its index then (a bound parameter in its predicate would not).
    for _ in range(15):
        place(sessions, world, [("GADGET", 2)])
    with unit_of_work(sessions) as session:
        request = session.scalars(select(ReplenishmentRequest)).unique().one()
        assert (request.quantity, request.status) == (30, "open")


def test_approval_rechecks_credit_that_grew_meanwhile(
    sessions: sessionmaker[Session], world: World
) -> None:
    # CUST-B: limit 100.00. A is held for price only; then B uses most of the credit.
    held = place(sessions, world, [("BOLT-M8", 500, "5")], customer="CUST-B", who="CUST-B")
    with unit_of_work(sessions) as session:
        assert repo.order_by_number(session, held).approval_reasons == ["PRICE"]  # 66.50
    other = place(sessions, world, [("WIDGET", 10), ("NUT-M10", 500)], customer="CUST-B")
    assert status_of(sessions, other) == "confirmed"  # 40.00: 106.50 with the held order
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        svc.approve_order(session, world.actors["finance"], held, NOW)
    assert raised.value.code is ErrorCode.CREDIT_LIMIT_EXCEEDED
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, held)
        assert (order.status, order.approval_reasons) == ("pending_approval", ["PRICE", "CREDIT"])
    with unit_of_work(sessions) as session:  # approving again overrides both, knowingly
        assert svc.approve_order(session, world.actors["finance"], held, NOW).status == "confirmed"
