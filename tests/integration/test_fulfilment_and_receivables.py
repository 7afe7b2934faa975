"""After confirmation: fulfilment, invoices, payments, overdue, aging, statements, returns,
and the event feed — on SQLite and PostgreSQL, with the clock set by each test."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Invoice, Order, OutboxEvent
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.receivables import AgingBucket, InvoiceStatus, aging_bucket
from erp_backend.services import events, fulfilment, invoicing, receivables, returns
from erp_backend.services import orders as svc
from erp_backend.services.invoicing import PaymentRequest
from erp_backend.services.returns import ReturnLineRequest
from tests.world import NOW, World, build_world, place, status_of, stock


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions, NOW)


def ship(sessions: sessionmaker[Session], world: World, number: str, at: datetime = NOW) -> str:
    warehouse = world.actors["warehouse"]
    with unit_of_work(sessions) as session:
        fulfilment.pick_order(session, warehouse, number, at)
    with unit_of_work(sessions) as session:
        fulfilment.pack_order(session, warehouse, number, at)
    with unit_of_work(sessions) as session:
        fulfilment.ship_order(session, warehouse, number, "DPD", "DP123456789", at)
    with unit_of_work(sessions) as session:
        invoice = session.scalars(
            select(Invoice).join(Invoice.order).where(Order.number == number)
        ).one()
        return invoice.number


def deliver(sessions: sessionmaker[Session], world: World, number: str) -> None:
    with unit_of_work(sessions) as session:
        fulfilment.deliver_order(session, world.actors["warehouse"], number, NOW)


def pay(
    sessions: sessionmaker[Session], world: World, invoice: str, amount: str, at: datetime = NOW
) -> Invoice:
    with unit_of_work(sessions) as session:
        paid, _ = invoicing.record_payment(
            session,
            world.actors["finance"],
            invoice,
            PaymentRequest(Decimal(amount), None, "bank"),
            at,
        )
        return paid


def invoice_row(sessions: sessionmaker[Session], number: str) -> Invoice:
    with unit_of_work(sessions) as session:
        return session.scalars(select(Invoice).where(Invoice.number == number)).unique().one()


def event_types(sessions: sessionmaker[Session], world: World) -> list[str]:
    with unit_of_work(sessions) as session:
        return [e.type for e in events.events_after(session, world.actors["manager"], 0, 500)]


def test_order_to_paid_invoice(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("BOLT-M8", 400), ("NUT-M10", 100)])  # 56.00 + 6.00
    assert stock(sessions, "BOLT-M8") == (1000, 400)
    invoice_number = ship(sessions, world, number)
    assert status_of(sessions, number) == "shipped"
    assert stock(sessions, "BOLT-M8") == (600, 0)  # on hand and reservation down together
    assert stock(sessions, "NUT-M10") == (400, 0)
    invoice = invoice_row(sessions, invoice_number)
    assert invoice_number == "INV-2026-00001"
    assert (invoice.total, invoice.issued_on, invoice.due_on) == (
        Decimal("62.00"),
        NOW.date(),
        NOW.date() + timedelta(days=30),
    )
    with unit_of_work(sessions) as session:
        timeline = svc.order_events(session, world.actors["CUST-A"], number)
        shipped = next(e for e in timeline if e.kind == "shipped")
        assert shipped.data["carrier"] == "DPD"
        assert shipped.data["tracking_number"] == "DP123456789"
        assert [e.actor_role for e in timeline][-3:] == ["warehouse"] * 3
        order = repo.order_by_number(session, number)
        assert (order.carrier, order.tracking_number) == ("DPD", "DP123456789")
    deliver(sessions, world, number)
    partly = pay(sessions, world, invoice_number, "20.00")
    assert invoicing.status_of(partly, NOW.date()) is InvoiceStatus.PARTIALLY_PAID
    with pytest.raises(DomainError) as raised:
        pay(sessions, world, invoice_number, "42.01")
    assert raised.value.code is ErrorCode.OVERPAYMENT
    assert raised.value.details["balance"] == "42.00"
    paid = pay(sessions, world, invoice_number, "42.00")
    assert invoicing.status_of(paid, NOW.date()) is InvoiceStatus.PAID
    assert event_types(sessions, world) == [
        "order.confirmed",
        "order.shipped",
        "invoice.issued",
        "order.delivered",
        "invoice.paid",
    ]


def test_cancel_is_refused_once_packed(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("WIDGET", 2)])
    with unit_of_work(sessions) as session:
        fulfilment.pick_order(session, world.actors["warehouse"], number, NOW)
    with unit_of_work(sessions) as session:
        fulfilment.pack_order(session, world.actors["warehouse"], number, NOW)
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["rep"], number, None, NOW)
    assert raised.value.code is ErrorCode.INVALID_TRANSITION
    assert stock(sessions, "WIDGET") == (10, 2)


def test_only_the_warehouse_ships(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("WIDGET", 1)])
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        fulfilment.pick_order(session, world.actors["rep"], number, NOW)
    assert raised.value.code is ErrorCode.FORBIDDEN


def test_unpaid_invoice_blocks_a_new_order_and_payment_releases_it(
    sessions: sessionmaker[Session], world: World
) -> None:
    first = place(sessions, world, [("WIDGET", 8)], customer="CUST-B")  # 8.00 of a 100.00 limit
    ship(sessions, world, first)
    with unit_of_work(sessions) as session:
        fulfilment.deliver_order(session, world.actors["warehouse"], first, NOW)
    big = place(sessions, world, [("BOLT-M8", 650)], customer="CUST-B")  # 91.00 + 8.00 open
    assert status_of(sessions, big) == "confirmed"
    ship(sessions, world, big)  # now 99.00 is invoiced and unpaid
    blocked = place(sessions, world, [("NUT-M10", 100)], customer="CUST-B")  # 6.00 more
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, blocked)
        assert (order.status, order.approval_reasons) == ("pending_approval", ["CREDIT"])
    invoice = invoice_row(sessions, "INV-2026-00002")
    pay(sessions, world, invoice.number, "91.00")
    retry = place(sessions, world, [("NUT-M10", 100)], customer="CUST-B")
    assert status_of(sessions, retry) == "confirmed"


def test_overdue_is_raised_once_per_invoice(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("WIDGET", 3)], customer="CUST-B")  # 14-day terms
    invoice_number = ship(sessions, world, number)
    due = NOW + timedelta(days=14)
    with unit_of_work(sessions) as session:
        assert invoicing.sweep_overdue(session, due) == []  # due today is not overdue
    with unit_of_work(sessions) as session:
        assert invoicing.sweep_overdue(session, due + timedelta(days=1)) == [invoice_number]
    with unit_of_work(sessions) as session:
        assert invoicing.sweep_overdue(session, due + timedelta(days=2)) == []
    assert event_types(sessions, world).count("invoice.overdue") == 1
    with unit_of_work(sessions) as session:
        overdue = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "invoice.overdue")
        ).one()
        assert overdue.payload["invoice_number"] == invoice_number
        assert overdue.payload["customer_code"] == "CUST-B"
        assert overdue.payload["created_by"] == "rep"
        assert overdue.payload["days_overdue"] == 1


def test_aging_in_sql_matches_the_bucket_rule(
    sessions: sessionmaker[Session], world: World
) -> None:
    """One invoice per case; the database's bucket must be the domain's, at the edges."""
    as_of = date(2028, 3, 1)  # a leap year's 1 March
    dues = [
        as_of,
        as_of + timedelta(days=9),
        as_of - timedelta(days=1),
        date(2028, 1, 31),
        date(2028, 1, 30),
        as_of - timedelta(days=60),
        as_of - timedelta(days=61),
        as_of - timedelta(days=90),
        as_of - timedelta(days=91),
        date(2027, 2, 28),
    ]
    numbers = [place(sessions, world, [("BOLT-M8", 10)], submit=False) for _ in dues]
    with unit_of_work(sessions) as session:
        for index, (number, due) in enumerate(zip(numbers, dues, strict=True)):
            order = repo.order_by_number(session, number)
            session.add(
                Invoice(
                    number=f"INV-T-{index:03d}",
                    order_id=order.id,
                    customer_id=order.customer_id,
                    issued_on=date(2027, 1, 1),
                    due_on=due,
                    total=Decimal(index + 1),
                    paid=Decimal(0),
                    credited=Decimal(0),
                    created_at=NOW,
                )
            )
    with unit_of_work(sessions) as session:
        result = receivables.aging(session, world.actors["finance"], as_of)
    (row,) = result.rows
    expected = {bucket: Decimal(0) for bucket in AgingBucket}
    for index, due in enumerate(dues):
        expected[aging_bucket(due, as_of)] += Decimal(index + 1)
    assert row.buckets == expected
    assert row.total == sum(expected.values())
    assert row.oldest_days_overdue == (as_of - date(2027, 2, 28)).days
    with unit_of_work(sessions) as session:
        late = receivables.aging(
            session, world.actors["finance"], as_of, more_than_days_overdue=400
        )
        assert late.rows == []


def test_statement_runs_a_balance(sessions: sessionmaker[Session], world: World) -> None:
    first = place(sessions, world, [("WIDGET", 5)])
    first_invoice = ship(sessions, world, first, NOW)
    second = place(sessions, world, [("WIDGET", 2)])
    ship(sessions, world, second, NOW + timedelta(days=3))
    pay(sessions, world, first_invoice, "5.00", NOW + timedelta(days=5))
    with unit_of_work(sessions) as session:
        full = receivables.statement(
            session, world.actors["CUST-A"], "CUST-A", None, (NOW + timedelta(days=10)).date()
        )
        assert [(e.kind, e.debit, e.credit, e.balance) for e in full.entries] == [
            ("invoice", Decimal("5.00"), Decimal("0.00"), Decimal("5.00")),
            ("invoice", Decimal("2.00"), Decimal("0.00"), Decimal("7.00")),
            ("payment", Decimal("0.00"), Decimal("5.00"), Decimal("2.00")),
        ]
        later = receivables.statement(
            session,
            world.actors["finance"],
            "CUST-A",
            (NOW + timedelta(days=1)).date(),
            (NOW + timedelta(days=10)).date(),
        )
        assert later.opening_balance == Decimal("5.00")
        assert later.closing_balance == Decimal("2.00")
        assert len(later.entries) == 2
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        receivables.statement(session, world.actors["CUST-B"], "CUST-A", None, NOW.date())
    assert raised.value.code is ErrorCode.NOT_FOUND


def test_return_restocks_and_credits(sessions: sessionmaker[Session], world: World) -> None:
    number = place(sessions, world, [("BOLT-M8", 100, "10"), ("NUT-M10", 50)])  # 12.60 + 3.00
    invoice_number = ship(sessions, world, number)
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        returns.request_return(
            session, world.actors["CUST-A"], number, [ReturnLineRequest("BOLT-M8", 10)], "bent", NOW
        )
    assert raised.value.code is ErrorCode.RETURN_NOT_ALLOWED  # shipped, not yet delivered
    deliver(sessions, world, number)
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        returns.request_return(
            session, world.actors["CUST-A"], number, [ReturnLineRequest("BOLT-M8", 101)], "x", NOW
        )
    assert raised.value.code is ErrorCode.RETURN_NOT_ALLOWED
    # what was asked and what is left, for clients that word it in their own language
    assert raised.value.details["lines"] == [{"sku": "BOLT-M8", "asked": 101, "left": 100}]
    with unit_of_work(sessions) as session:
        request = returns.request_return(
            session, world.actors["CUST-A"], number, [ReturnLineRequest("BOLT-M8", 40)], "bent", NOW
        )
        rma = request.number
        assert request.lines[0].line_total == Decimal("5.04")  # 40 x 0.14 less 10 %
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        returns.request_return(
            session, world.actors["rep"], number, [ReturnLineRequest("BOLT-M8", 61)], "more", NOW
        )
    assert "60 can still be returned" in raised.value.message
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        returns.receive_return(session, world.actors["CUST-A"], rma, NOW)
    assert raised.value.code is ErrorCode.FORBIDDEN
    with unit_of_work(sessions) as session:
        exposure_before = svc.credit_exposure(session, world.customer_ids["CUST-A"])
    with unit_of_work(sessions) as session:
        note = returns.receive_return(session, world.actors["warehouse"], rma, NOW)
        assert (note.number, note.amount) == ("CN-2026-00001", Decimal("5.04"))
    assert stock(sessions, "BOLT-M8") == (940, 0)  # 1000 - 100 shipped + 40 back
    invoice = invoice_row(sessions, invoice_number)
    assert (invoice.credited, invoice.balance) == (Decimal("5.04"), Decimal("10.56"))
    with unit_of_work(sessions) as session:
        assert svc.credit_exposure(
            session, world.customer_ids["CUST-A"]
        ) == exposure_before - Decimal("5.04")
        statement = receivables.statement(
            session, world.actors["finance"], "CUST-A", None, NOW.date()
        )
        assert [e.kind for e in statement.entries] == ["invoice", "credit_note"]
        assert statement.closing_balance == Decimal("10.56")
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        returns.receive_return(session, world.actors["warehouse"], rma, NOW)
    assert raised.value.code is ErrorCode.INVALID_TRANSITION
    assert event_types(sessions, world)[-2:] == ["return.requested", "return.received"]


def test_returned_stock_serves_waiting_orders(
    sessions: sessionmaker[Session], world: World
) -> None:
    first = place(sessions, world, [("WIDGET", 10)])
    ship(sessions, world, first)
    deliver(sessions, world, first)
    waiting = place(sessions, world, [("WIDGET", 3)])
    assert status_of(sessions, waiting) == "awaiting_stock"
    with unit_of_work(sessions) as session:
        rma = returns.request_return(
            session, world.actors["rep"], first, [ReturnLineRequest("WIDGET", 3)], "surplus", NOW
        ).number
    with unit_of_work(sessions) as session:
        returns.receive_return(session, world.actors["warehouse"], rma, NOW)
    assert status_of(sessions, waiting) == "confirmed"


def test_event_feed_is_ordered_and_rereadable(
    sessions: sessionmaker[Session], world: World
) -> None:
    for _ in range(5):
        place(sessions, world, [("BOLT-M8", 1)])
    manager = world.actors["manager"]
    with unit_of_work(sessions) as session:
        first_page = events.events_after(session, manager, 0, 3)
        ids = [e.id for e in first_page]
        assert ids == sorted(ids)
        rest = events.events_after(session, manager, ids[-1], 100)
        assert len(rest) == 2
        again = events.events_after(session, manager, 0, 3)
        assert [e.id for e in again] == ids  # at-least-once: the same cursor, the same events
        payload = first_page[0].payload
        assert set(payload) >= {"order_number", "customer_code", "created_by", "status"}
    with pytest.raises(DomainError) as raised, unit_of_work(sessions) as session:
        events.events_after(session, world.actors["CUST-A"], 0, 10)
    assert raised.value.code is ErrorCode.FORBIDDEN


def test_a_settled_invoice_is_settled_everywhere(
    sessions: sessionmaker[Session], world: World
) -> None:
    """1.10 - 1.00 - 0.10 is not exactly zero in floating point (SQLite): still paid."""
    number = place(sessions, world, [("BOLT-M8", 1)], submit=False)
    with unit_of_work(sessions) as session:
        order = repo.order_by_number(session, number)
        session.add(
            Invoice(
                number="INV-T-FLOAT",
                order_id=order.id,
                customer_id=order.customer_id,
                issued_on=date(2026, 1, 1),
                due_on=date(2026, 1, 31),
                total=Decimal("1.10"),
                paid=Decimal("1.00"),
                credited=Decimal("0.10"),
                created_at=NOW,
            )
        )
    finance = world.actors["finance"]
    with unit_of_work(sessions) as session:
        found = invoicing.list_invoices(
            session,
            finance,
            NOW.date(),
            status=None,
            open_only=True,
            customer_code=None,
            before_id=None,
            limit=10,
        )
        assert found == []
        overdue = invoicing.list_invoices(
            session,
            finance,
            NOW.date(),
            status=InvoiceStatus.OVERDUE,
            open_only=False,
            customer_code=None,
            before_id=None,
            limit=10,
        )
        assert overdue == []
        assert receivables.aging(session, finance, NOW.date()).rows == []
        assert invoicing.sweep_overdue(session, NOW) == []
