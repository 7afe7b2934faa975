"""A small, fully known business for tests, built through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Customer, Invoice, Order, OutboxEvent, Product, Stock
from erp_backend.domain.principals import Actor, Role
from erp_backend.services import orders as svc
from erp_backend.services.identity import actor_for, create_api_key, ensure_principal
from erp_backend.services.orders import LineRequest, OrderRequest

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

# (sku, price, on hand, active)
PRODUCTS = [
    ("BOLT-M8", "0.14", 1000, True),
    ("NUT-M10", "0.06", 500, True),
    ("WIDGET", "1.00", 10, True),
    ("GADGET", "5.00", 0, True),
    ("OLD-ITEM", "2.00", 50, False),
]
# (code, credit limit, terms, active)
CUSTOMERS = [
    ("CUST-A", "10000", 30, True),
    ("CUST-B", "100", 14, True),
    ("CUST-X", "5000", 30, False),
]
STAFF = {
    "manager": Role.MANAGER,
    "rep": Role.SALES_REP,
    "finance": Role.FINANCE,
    "warehouse": Role.WAREHOUSE,
    "admin": Role.ADMIN,
    "service": Role.SERVICE,
}


@dataclass
class World:
    keys: dict[str, str] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    customer_ids: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}", **extra}


def build_world(sessions: sessionmaker[Session], now: datetime | None = None) -> World:
    now = now or datetime.now(UTC)
    world = World()
    with unit_of_work(sessions) as session:
        for sku, price, on_hand, active in PRODUCTS:
            product = Product(
                sku=sku,
                name=f"{sku} test item",
                unit_price=Decimal(price),
                unit="pcs",
                reorder_point=0,
                reorder_qty=0,
                active=active,
                created_at=now,
            )
            product.stock = Stock(on_hand=on_hand, reserved=0)
            session.add(product)
        for code, limit, terms, active in CUSTOMERS:
            customer = Customer(
                code=code,
                name=f"{code} Ltd",
                credit_limit=Decimal(limit),
                payment_terms_days=terms,
                active=active,
                shipping_address=f"1 {code} Street",
                created_at=now,
            )
            session.add(customer)
            session.flush()
            world.customer_ids[code] = customer.id
            contact = ensure_principal(
                session, f"contact:{code}", Role.CUSTOMER, now, customer=customer
            )
            world.keys[code] = create_api_key(session, contact, now)
            world.actors[code] = actor_for(contact)
        for name, role in STAFF.items():
            principal = ensure_principal(session, name, role, now)
            world.keys[name] = create_api_key(session, principal, now)
            world.actors[name] = actor_for(principal)
    return world


def add_open_invoice(
    sessions: sessionmaker[Session], order_number: str, total: str, paid: str = "0"
) -> None:
    """An unpaid invoice against an existing order, without shipping it."""
    with unit_of_work(sessions) as session:
        order = session.scalars(select(Order).where(Order.number == order_number)).unique().one()
        today = datetime.now(UTC).date()
        session.add(
            Invoice(
                number=f"INV-T-{order.id:05d}",
                order_id=order.id,
                customer_id=order.customer_id,
                issued_on=today,
                due_on=today + timedelta(days=30),
                total=Decimal(total),
                paid=Decimal(paid),
                created_at=datetime.now(UTC),
            )
        )


def place(
    sessions: sessionmaker[Session],
    world: World,
    lines: list[tuple[str, int] | tuple[str, int, str]],
    *,
    who: str = "rep",
    customer: str | None = "CUST-A",
    submit: bool = True,
    at: datetime = NOW,
    requested: date | None = None,
) -> str:
    request = OrderRequest(
        customer_code=customer,
        lines=[
            LineRequest(line[0], line[1], Decimal(line[2] if len(line) > 2 else "0"))
            for line in lines
        ],
        requested_delivery_date=requested,
    )
    with unit_of_work(sessions) as session:
        number = svc.create_order(session, world.actors[who], request, at).number
    if submit:
        with unit_of_work(sessions) as session:
            svc.submit_order(session, world.actors[who], number, at)
    return number


def status_of(sessions: sessionmaker[Session], number: str) -> str:
    with unit_of_work(sessions) as session:
        return repo.order_by_number(session, number).status


def stock(sessions: sessionmaker[Session], sku: str) -> tuple[int, int]:
    with unit_of_work(sessions) as session:
        row = session.execute(
            select(Stock.on_hand, Stock.reserved).join(Product).where(Product.sku == sku)
        ).one()
        return int(row[0]), int(row[1])


def outbox_types(sessions: sessionmaker[Session]) -> list[str]:
    with unit_of_work(sessions) as session:
        return list(session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))
