"""The demo business loads on both databases and is consistent with the order process."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Customer, Invoice, Order, Principal, Product, Stock
from erp_backend.domain.money import to_money
from erp_backend.services import invoicing, receivables
from erp_backend.services import orders as order_service
from erp_backend.services.identity import actor_for
from erp_backend.services.seed import already_seeded, seed_demo

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_demo_seed_is_believable_and_consistent(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        assert not already_seeded(session)
        summary = seed_demo(session, NOW)
    assert summary.products >= 50
    assert summary.customers >= 30
    assert summary.orders > 1000
    with unit_of_work(sessions) as session:
        assert already_seeded(session)
        statuses = Counter(session.scalars(select(Order.status)))
        assert statuses["delivered"] > 1000
        for status in ("draft", "confirmed", "pending_approval", "awaiting_stock"):
            assert statuses[status] >= 1, status
        # reservations are exactly the confirmed orders' lines
        assert repo.reservations_out_of_step(session) == []
        short = session.scalar(
            select(func.count()).select_from(Product).join(Stock).where(Stock.on_hand == 0)
        )
        assert short
        # some customers are over their limit, so the credit check has something to hold
        over = [
            customer.code
            for customer in session.scalars(select(Customer))
            if order_service.credit_exposure(session, customer.id) > customer.credit_limit
        ]
        assert "CUST-0012" in over
        overdue = session.scalar(
            select(func.count())
            .select_from(Invoice)
            .where(Invoice.paid < Invoice.total, Invoice.due_on < NOW.date())
        )
        assert overdue
        roles = set(session.scalars(select(Principal.role)))
        assert {"manager", "sales_rep", "finance", "warehouse", "admin", "service"} <= roles
        # numbering carries on after the history without colliding
        years = {number[3:7] for number in session.scalars(select(Order.number))}
        assert years == {"2025", "2026"}


def test_demo_statements_add_up(sessions: sessionmaker[Session]) -> None:
    """Every seeded invoice's payments are on record, so statements balance to the ledger."""
    with unit_of_work(sessions) as session:
        seed_demo(session, NOW)
    with unit_of_work(sessions) as session:
        finance = actor_for(
            session.scalars(select(Principal).where(Principal.name == "li.wang")).unique().one()
        )
        for code in ("CUST-0001", "CUST-0012", "CUST-0020"):
            customer = session.scalars(select(Customer).where(Customer.code == code)).one()
            found = receivables.statement(session, finance, code, None, NOW.date())
            open_total = session.scalar(
                select(
                    func.coalesce(func.sum(Invoice.total - Invoice.paid - Invoice.credited), 0)
                ).where(Invoice.customer_id == customer.id)
            )
            assert found.closing_balance == to_money(open_total)
        # only recently overdue invoices wait for the sweep to announce them
        waiting = invoicing.sweep_overdue(session, NOW)
        assert 0 < len(waiting) < 60


def test_demo_receivables_look_like_a_real_business(sessions: sessionmaker[Session]) -> None:
    """Relative to the day it is seeded: most invoices paid, a few customers overdue, none
    by more than 90 days (the seed once left 30 of 36 overdue, the oldest by 308 days)."""
    with unit_of_work(sessions) as session:
        seed_demo(session, NOW)
    with unit_of_work(sessions) as session:
        invoices = list(session.scalars(select(Invoice)))
        unpaid = [i for i in invoices if i.paid + i.credited < i.total]
        overdue = [i for i in unpaid if i.due_on < NOW.date()]
        oldest = max((NOW.date() - i.due_on).days for i in overdue)
        late_customers = {i.customer_id for i in overdue}
    assert len(unpaid) < 0.15 * len(invoices)
    assert 3 <= len(late_customers) <= 14  # of 36
    assert 30 <= oldest <= 90
