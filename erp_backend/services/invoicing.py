"""Invoices and payments, and the sweep that raises each overdue invoice once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Customer, Invoice, Order, Payment
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import to_money
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.receivables import InvoiceStatus, days_overdue, due_date, invoice_status
from erp_backend.services import timeline


def issue_invoice(session: Session, order: Order, now: datetime) -> Invoice:
    """Invoice every line of a shipped order, due after the customer's payment terms."""
    today = now.date()
    sequence = repo.next_sequence_value(session, "INV", today.year)
    invoice = Invoice(
        number=f"INV-{today.year:04d}-{sequence:05d}",
        order=order,
        order_id=order.id,
        customer=order.customer,
        customer_id=order.customer_id,
        issued_on=today,
        due_on=due_date(today, order.customer.payment_terms_days),
        total=order.total,
        currency=order.currency,
        paid=Decimal("0"),
        credited=Decimal("0"),
        created_at=now,
    )
    session.add(invoice)
    return invoice


def announce(session: Session, event_type: str, invoice: Invoice, now: datetime) -> None:
    """An invoice event for the gateway: the order's ids (whom to tell) and the invoice's.
    An opening invoice has no order; its customer code alone says whom to tell."""
    about = (
        timeline.order_reference(invoice.order)
        if invoice.order is not None
        else {"order_number": None, "customer_code": invoice.customer.code}
    )
    timeline.publish(session, event_type, now, **about, **invoice_reference(invoice, now.date()))


def invoice_reference(invoice: Invoice, today: date) -> dict[str, object]:
    return {
        "invoice_number": invoice.number,
        "invoice_total": str(to_money(invoice.total)),
        "balance": str(to_money(invoice.balance)),
        "due_on": invoice.due_on.isoformat(),
        "days_overdue": max(days_overdue(invoice.due_on, today), 0),
    }


def status_of(invoice: Invoice, today: date) -> InvoiceStatus:
    return invoice_status(invoice.total, invoice.paid, invoice.credited, invoice.due_on, today)


def get_invoice(session: Session, actor: Actor, number: str) -> Invoice:
    actor.require(Permission.READ_INVOICES)
    invoice = session.scalars(select(Invoice).where(Invoice.number == number)).unique().first()
    if invoice is None or not actor.sees_customer(invoice.customer_id):
        raise repo.not_found("Invoice", number)
    return invoice


def list_invoices(
    session: Session,
    actor: Actor,
    today: date,
    *,
    status: InvoiceStatus | None,
    open_only: bool,
    customer_code: str | None,
    before_id: int | None,
    limit: int,
) -> list[Invoice]:
    """Newest first, customers their own only."""
    actor.require(Permission.READ_INVOICES)
    statement = select(Invoice).order_by(Invoice.id.desc()).limit(limit)
    if actor.customer_id is not None:
        statement = statement.where(Invoice.customer_id == actor.customer_id)
    if customer_code is not None:
        statement = statement.join(Customer, Customer.id == Invoice.customer_id).where(
            Customer.code == customer_code
        )
    if status is not None:
        statement = statement.where(status_condition(status, today))
    if open_only:
        statement = statement.where(is_open())
    if before_id is not None:
        statement = statement.where(Invoice.id < before_id)
    return list(session.scalars(statement).unique())


def balance_of() -> ColumnElement[Decimal]:
    return Invoice.total - Invoice.paid - Invoice.credited


# SQLite computes money in floating point, where 1.10 - 1.00 - 0.10 is not quite 0: a
# balance counts as open from half a cent (amounts are whole cents, so nothing real is lost).
HALF_CENT = Decimal("0.005")


def is_open() -> ColumnElement[bool]:
    return balance_of() >= HALF_CENT


def status_condition(status: InvoiceStatus, today: date) -> ColumnElement[bool]:
    """The SQL twin of domain.receivables.invoice_status."""
    open_ = is_open()
    settled_some = (Invoice.paid + Invoice.credited) >= HALF_CENT
    conditions = {
        InvoiceStatus.PAID: ~open_,
        InvoiceStatus.OVERDUE: and_(open_, Invoice.due_on < today),
        InvoiceStatus.PARTIALLY_PAID: and_(open_, Invoice.due_on >= today, settled_some),
        InvoiceStatus.UNPAID: and_(open_, Invoice.due_on >= today, ~settled_some),
    }
    return conditions[status]


@dataclass(frozen=True)
class PaymentRequest:
    amount: Decimal
    received_on: date | None
    reference: str | None


def record_payment(
    session: Session, actor: Actor, number: str, request: PaymentRequest, now: datetime
) -> tuple[Invoice, Payment]:
    """Book money received against one invoice; more than the open balance is refused."""
    actor.require(Permission.RECORD_PAYMENTS)
    invoice = (
        session.scalars(select(Invoice).where(Invoice.number == number).with_for_update(of=Invoice))
        .unique()
        .first()
    )
    if invoice is None:
        raise repo.not_found("Invoice", number)
    received_on = request.received_on or now.date()
    if received_on > now.date():
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "A payment cannot be received in the future.",
            field="received_on",
        )
    balance = to_money(invoice.balance)
    if request.amount > balance:
        raise DomainError(
            ErrorCode.OVERPAYMENT,
            f"{invoice.number} has {balance} open; a payment of {request.amount} is too much.",
            invoice_number=invoice.number,
            balance=str(balance),
            amount=str(request.amount),
        )
    invoice.paid = to_money(invoice.paid + request.amount)
    payment = Payment(
        invoice_id=invoice.id,
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=request.amount,
        currency=invoice.currency,
        received_on=received_on,
        reference=request.reference,
        recorded_by_id=actor.principal_id,
        created_at=now,
    )
    session.add(payment)
    if invoice.balance <= 0:
        announce(session, "invoice.paid", invoice, now)
    return invoice, payment


def sweep_overdue(session: Session, now: datetime) -> list[str]:
    """Raise `invoice.overdue` once for each invoice that has fallen overdue.

    The conditional UPDATE claims each invoice, so two ERP processes sweeping at once
    announce it once between them."""
    today = now.date()
    claimed = session.scalars(
        update(Invoice)
        .where(
            is_open(),
            Invoice.due_on < today,
            Invoice.overdue_notified_on.is_(None),
        )
        .values(overdue_notified_on=today)
        .returning(Invoice.id)
        .execution_options(synchronize_session=False)
    ).all()
    numbers = []
    for invoice in session.scalars(
        select(Invoice).where(Invoice.id.in_(claimed)).order_by(Invoice.due_on, Invoice.id)
    ).unique():
        announce(session, "invoice.overdue", invoice, now)
        numbers.append(invoice.number)
    return numbers
