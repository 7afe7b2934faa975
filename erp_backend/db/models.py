"""The tables of the ERP. Money is Numeric(12, 2), quantities integers, times UTC."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship

from erp_backend.db.types import Money, Percent, UTCDateTime
from erp_backend.domain.money import DEFAULT_CURRENCY, business_currency

# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (the rowid) on SQLite.
IdType = BigInteger().with_variant(Integer, "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # the name in Simplified Chinese ("" when it has none): shown and searched beside `name`
    name_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    credit_limit: Mapped[Decimal] = mapped_column(Money())
    payment_terms_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    shipping_address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        CheckConstraint("payment_terms_days >= 0", name="terms_not_negative"),
    )


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # the name in Simplified Chinese ("" when it has none): shown and searched beside `name`
    name_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    unit_price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(
        String(3), default=business_currency, server_default=DEFAULT_CURRENCY
    )
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)
    reorder_qty: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # other words people use for it, comma-separated ("rawlplug, wall anchor"): searched too
    search_terms: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime]
    stock: Mapped[Stock] = relationship(back_populates="product", lazy="joined")

    __table_args__ = (CheckConstraint("unit_price >= 0", name="price_not_negative"),)


class Stock(Base):
    """On hand and reserved per product. The check constraint is the last line against
    overselling: no transaction can commit more reserved than is on hand."""

    __tablename__ = "stock"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    product: Mapped[Product] = relationship(back_populates="stock")

    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="reserved_within_on_hand"),
    )

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockReceipt(Base):
    __tablename__ = "stock_receipts"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    received_at: Mapped[datetime]


class ReplenishmentRequest(Base):
    """Stock to buy in. One open request per product; shortfalls add to it."""

    __tablename__ = "replenishment_requests"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    product: Mapped[Product] = relationship(lazy="joined")

    __table_args__ = (
        # At most one open request per product, so concurrent shortfalls add to one row.
        Index(
            "uq_replenishment_open_per_product",
            "product_id",
            unique=True,
            sqlite_where="status = 'open'",
            postgresql_where="status = 'open'",
        ),
    )


class Principal(Base):
    __tablename__ = "principals"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    discount_limit_pct: Mapped[Decimal | None] = mapped_column(Percent())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    customer: Mapped[Customer | None] = relationship(lazy="joined")


class ApiKey(Base):
    """Keys are random 32-byte secrets, so a plain SHA-256 is enough to store them safely."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # None: the key does not expire. Rotation sets it on the old key (its grace period).
    expires_at: Mapped[datetime | None]


class ChatLink(Base):
    __tablename__ = "chat_links"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    linked_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("channel", "external_id"),)


class LinkCode(Base):
    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(160))
    # The one-tap link beside the code (a long single-use token, for e-mail or print): its
    # hash and how long it lasts; the code and the token are one link, used once.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    token_expires_at: Mapped[datetime | None]
    # Wrong codes tried anywhere while this one was live: past a limit the code is void
    # (domain/identity.py), so no code can be guessed with more than that many tries.
    wrong_guesses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LinkAttempt(Base):
    __tablename__ = "link_attempts"
    identity: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class NumberSequence(Base):
    """Gap-free yearly counters for document numbers (SO-2026-00042)."""

    __tablename__ = "number_sequences"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)
    shipping_address: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(
        String(3), default=business_currency, server_default=DEFAULT_CURRENCY
    )
    approval_reasons: Mapped[list[Any]] = mapped_column(default=list)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    carrier: Mapped[str | None] = mapped_column(String(60))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    customer: Mapped[Customer] = relationship(lazy="joined")
    created_by: Mapped[Principal | None] = relationship(lazy="joined")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order",
        order_by="OrderLine.line_no",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    # Written with the order (no flush needed for its id), read through a query.
    events: WriteOnlyMapped[OrderEvent] = relationship(order_by="OrderEvent.id")

    __table_args__ = (
        Index("ix_orders_customer_id_id", "customer_id", "id"),
        Index("ix_orders_created_at", "created_at"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_pct: Mapped[Decimal] = mapped_column(Percent())
    line_total: Mapped[Decimal] = mapped_column(Money())
    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("discount_pct >= 0 AND discount_pct <= 100", name="discount_range"),
    )


class OrderEvent(Base):
    """The order's timeline: what happened, when, and by which role."""

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    actor_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxEvent(Base):
    """Domain events for other processes, written in the transaction that caused them."""

    __tablename__ = "outbox_events"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    occurred_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]]


class Invoice(Base):
    """A receivable, issued at shipment for the shipped order. Its balance is
    total - paid - credited; a credit note larger than what is open leaves it negative,
    which is money owed back to the customer. An opening invoice, taken over from the
    previous system by `erp-backend import invoices`, has no order (order_id is null)."""

    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    total: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(
        String(3), default=business_currency, server_default=DEFAULT_CURRENCY
    )
    paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    credited: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    overdue_notified_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    order: Mapped[Order | None] = relationship()
    customer: Mapped[Customer] = relationship(lazy="joined")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.id", lazy="select"
    )

    __table_args__ = (
        CheckConstraint("paid >= 0 AND paid <= total", name="paid_within_total"),
        CheckConstraint("credited >= 0", name="credited_not_negative"),
    )

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid - self.credited


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(
        String(3), default=business_currency, server_default=DEFAULT_CURRENCY
    )
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(80))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    created_at: Mapped[datetime]
    invoice: Mapped[Invoice] = relationship(back_populates="payments", lazy="joined")

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class ReturnRequest(Base):
    """A customer's return of delivered goods (RMA)."""

    __tablename__ = "returns"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    created_at: Mapped[datetime]
    received_at: Mapped[datetime | None]
    order: Mapped[Order] = relationship(lazy="joined")
    lines: Mapped[list[ReturnLine]] = relationship(
        order_by="ReturnLine.id", cascade="all, delete-orphan", lazy="selectin"
    )


class ReturnLine(Base):
    __tablename__ = "return_lines"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_pct: Mapped[Decimal] = mapped_column(Percent())
    line_total: Mapped[Decimal] = mapped_column(Money())
    product: Mapped[Product] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class CreditNote(Base):
    __tablename__ = "credit_notes"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    issued_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    invoice: Mapped[Invoice] = relationship(lazy="joined")


class IdempotencyRecord(Base):
    """The first response to a request made with an Idempotency-Key, kept for replays."""

    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (UniqueConstraint("scope", "key"),)
