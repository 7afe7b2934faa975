"""`erp-backend seed --demo`: a believable wholesale business with a year of history.

Master data and the year of delivered, invoiced and mostly paid orders are written directly
(history is fact, not a sequence of fresh decisions) and announce nothing to the outbox.
The open orders of the last days go through the real services, so their reservations,
approvals and waiting lists are exactly what the order process itself would have produced.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_backend.db.models import (
    Customer,
    Invoice,
    NumberSequence,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Principal,
    Product,
    Stock,
)
from erp_backend.domain.money import line_total, to_money
from erp_backend.domain.orders import OrderStatus, order_number
from erp_backend.domain.principals import Role
from erp_backend.services import orders as order_service
from erp_backend.services.identity import actor_for, ensure_principal
from erp_backend.services.seed_data import (
    CARRIERS,
    CUSTOMER_NAMES_ZH,
    CUSTOMERS,
    NAMES_ZH,
    PRODUCTS,
    STAFF,
    search_terms,
)

CREDIT_LIMITS = [2_000, 5_000, 10_000, 15_000, 25_000, 40_000, 60_000, 100_000, 150_000]
TERMS = [14, 30, 30, 30, 45, 60]
INACTIVE = {"CUST-0030", "CUST-0036"}
# Slow payers: their recent invoices stay unpaid, so new orders meet the credit check.
SLOW_PAYERS = {"CUST-0012": 2_000, "CUST-0022": 5_000}
# Late payers: invoices now and then left open past their due date (up to 90 days).
LATE_PAYERS = {"CUST-0002", "CUST-0007", "CUST-0013", "CUST-0019", "CUST-0027"}


@dataclass(frozen=True)
class SeedSummary:
    products: int
    customers: int
    orders: int
    invoices: int


def already_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Customer)))


def seed_demo(
    session: Session, now: datetime, *, rng_seed: int = 2026, history_days: int = 365
) -> SeedSummary:
    """`history_days` longer than a year is for benchmarks that need seasons to repeat
    (bench/forecast_backtest.py); the demo itself has a year."""
    rng = random.Random(rng_seed)
    products = _products(session, now)
    customers = _customers(session, rng, now)
    staff = {name: ensure_principal(session, name, Role(role), now) for name, role in STAFF}
    for customer in customers:
        ensure_principal(session, f"contact:{customer.code}", Role.CUSTOMER, now, customer=customer)
    orders, invoices = _history(session, rng, products, customers, staff, now, history_days)
    session.flush()
    _open_orders(session, rng, customers, staff, now)
    return SeedSummary(len(products), len(customers), orders, invoices)


def _products(session: Session, now: datetime) -> list[Product]:
    products = []
    for sku, name, unit, price, on_hand, reorder_point, reorder_qty in PRODUCTS:
        product = Product(
            sku=sku,
            name=name,
            name_zh=NAMES_ZH.get(sku, ""),
            unit=unit,
            unit_price=Decimal(price),
            reorder_point=reorder_point,
            reorder_qty=reorder_qty,
            active=True,
            search_terms=search_terms(sku),
            created_at=now - timedelta(days=400),
        )
        product.stock = Stock(on_hand=on_hand, reserved=0)
        products.append(product)
    session.add_all(products)
    session.flush()
    return products


def _customers(session: Session, rng: random.Random, now: datetime) -> list[Customer]:
    customers = []
    for index, (name, city, street) in enumerate(CUSTOMERS, start=1):
        code = f"CUST-{index:04d}"
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        limit = SLOW_PAYERS.get(code) or rng.choice(CREDIT_LIMITS)
        customers.append(
            Customer(
                code=code,
                name=name,
                name_zh=CUSTOMER_NAMES_ZH.get(name, ""),
                credit_limit=Decimal(limit),
                payment_terms_days=rng.choice(TERMS),
                active=code not in INACTIVE,
                shipping_address=f"{name}, {street}, {city}",
                email=f"accounts@{slug}.example",
                created_at=now - timedelta(days=400),
            )
        )
    session.add_all(customers)
    session.flush()
    return customers


def _quantity(rng: random.Random, price: Decimal) -> int:
    if price < Decimal("0.10"):
        return rng.choice([500, 1000, 1000, 2000, 2500, 5000])
    if price < Decimal("1"):
        return rng.choice([50, 100, 100, 200, 250, 500])
    if price < Decimal("10"):
        return rng.choice([5, 10, 10, 20, 24, 50])
    return rng.choice([1, 2, 2, 3, 5, 10])


def _history(
    session: Session,
    rng: random.Random,
    products: list[Product],
    customers: list[Customer],
    staff: dict[str, Principal],
    now: datetime,
    history_days: int,
) -> tuple[int, int]:
    """A year of orders: weekdays only, busier in spring and autumn, growing slowly; big
    customers order more often (so ABC and top-customer reports have a shape)."""
    active = [c for c in customers if c.code not in INACTIVE] + [
        c for c in customers if c.code in INACTIVE
    ]
    customer_weights = [1 / (rank**0.9) for rank in range(1, len(active) + 1)]
    product_weights = [1 / (rank**0.7) for rank in range(1, len(products) + 1)]
    season = {
        1: 0.7,
        2: 0.8,
        3: 1.1,
        4: 1.25,
        5: 1.3,
        6: 1.15,
        7: 0.9,
        8: 0.75,
        9: 1.2,
        10: 1.3,
        11: 1.1,
        12: 0.6,
    }
    reps = [staff["tom.becker"], staff["sara.kim"]]
    sequences: Counter[tuple[str, int]] = Counter()
    order_count = invoice_count = 0
    start = (now - timedelta(days=history_days)).date()
    for offset in range(history_days - 7):  # history ends a week ago; then open orders
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        # growing slowly: 0.85 a year ago, 1.15 now; levelling off at 0.55 further back
        growth = max(1.15 - 0.3 * (history_days - offset) / 365, 0.55)
        expected = 6.5 * season[day.month] * growth
        for _ in range(max(0, round(rng.gauss(expected, 1.8)))):
            customer = rng.choices(active, customer_weights)[0]
            if customer.code in INACTIVE and day > start + timedelta(days=200):
                continue  # inactive accounts stopped ordering half a year ago
            created = datetime.combine(day, time(rng.randint(7, 17), rng.randint(0, 59)), UTC)
            sequences["SO", created.year] += 1
            order = _past_order(
                rng,
                customer,
                products,
                product_weights,
                rng.choice(reps),
                created,
                order_number(created.year, sequences["SO", created.year]),
            )
            session.add(order)
            order_count += 1
            if order.status == OrderStatus.CANCELLED.value:
                continue
            shipped_on = (order.submitted_at or created).date() + timedelta(days=rng.randint(1, 4))
            sequences["INV", shipped_on.year] += 1
            session.add(_past_invoice(rng, order, customer, shipped_on, sequences, now))
            invoice_count += 1
    session.flush()
    _past_events(session, rng)
    for (name, year), last in sequences.items():
        session.add(NumberSequence(name=name, year=year, last_value=last))
    return order_count, invoice_count


def _past_order(
    rng: random.Random,
    customer: Customer,
    products: list[Product],
    weights: list[float],
    rep: Principal,
    created: datetime,
    number: str,
) -> Order:
    chosen = {p.sku: p for p in rng.choices(products, weights, k=rng.randint(1, 5))}
    # The date the customer asked for, from a generator of its own: drawing it from `rng`
    # would change every order after this one.
    asked = random.Random(number).randint(3, 10)
    order = Order(
        number=number,
        customer_id=customer.id,
        status=OrderStatus.CANCELLED.value if rng.random() < 0.03 else "delivered",
        channel=rng.choice(["api", "api", "telegram", "web", "phone"]),
        created_by_id=rep.id,
        shipping_address=customer.shipping_address,
        requested_delivery_date=created.date() + timedelta(days=asked),
        total=Decimal(0),
        approval_reasons=[],
        created_at=created,
        updated_at=created,
        submitted_at=created + timedelta(minutes=rng.randint(2, 90)),
    )
    total = Decimal(0)
    for line_no, product in enumerate(chosen.values(), start=1):
        quantity = _quantity(rng, product.unit_price)
        discount = rng.choice([Decimal(0)] * 8 + [Decimal(5), Decimal("7.5")])
        amount = line_total(quantity, product.unit_price, discount)
        total += amount
        order.lines.append(
            OrderLine(
                line_no=line_no,
                product_id=product.id,
                quantity=quantity,
                unit_price=product.unit_price,
                discount_pct=discount,
                line_total=amount,
            )
        )
    order.total = to_money(total)
    if order.status == "delivered":
        order.carrier = rng.choice(CARRIERS)
        order.tracking_number = f"{order.carrier[:2].upper()}{rng.randint(10**9, 10**10 - 1)}"
    return order


def _past_invoice(
    rng: random.Random,
    order: Order,
    customer: Customer,
    shipped_on: date,
    sequences: Counter[tuple[str, int]],
    now: datetime,
) -> Invoice:
    due_on = shipped_on + timedelta(days=customer.payment_terms_days)
    days_past_due = (now.date() - due_on).days
    paid = _paid(rng, order.total, customer.code, days_past_due)
    invoice = Invoice(
        number=f"INV-{shipped_on.year}-{sequences['INV', shipped_on.year]:05d}",
        order=order,
        customer_id=customer.id,
        issued_on=shipped_on,
        due_on=due_on,
        total=order.total,
        paid=paid,
        credited=Decimal(0),
        created_at=datetime.combine(shipped_on, time(16, 0), UTC),
    )
    # Invoices that fell overdue more than a week ago were announced back then; the sweep
    # announces the recent ones, as it would have.
    if paid < order.total and days_past_due > 7:
        invoice.overdue_notified_on = due_on + timedelta(days=1)
    if paid > 0:
        latest = min(now.date() - timedelta(days=1), due_on + timedelta(days=10))
        received_on = shipped_on + timedelta(
            days=rng.randint(1, max((latest - shipped_on).days, 1))
        )
        invoice.payments.append(
            Payment(
                customer_id=customer.id,
                amount=paid,
                received_on=min(received_on, latest),
                reference=f"BACS {rng.randint(100000, 999999)}",
                created_at=datetime.combine(min(received_on, latest), time(11, 0), UTC),
            )
        )
    return invoice


def _paid(rng: random.Random, total: Decimal, code: str, days_past_due: int) -> Decimal:
    """What was paid of an invoice, as a real business's ledger looks on the day of seeding:
    everything more than 90 days past due was collected; most customers pay on time or a few
    days late; a few late payers leave invoices open up to 90 days past due; the slow
    payers' recent invoices are all open (so their new orders meet the credit check)."""
    if days_past_due > 90:
        return total
    if code in SLOW_PAYERS:
        return Decimal(0) if days_past_due > -30 else total
    if days_past_due <= 0:  # not due yet: some pay early
        return total if rng.random() < 0.3 else Decimal(0)
    if code in LATE_PAYERS:
        roll = rng.random()
        if roll < 0.45:
            return Decimal(0)
        return to_money(total * Decimal("0.5")) if roll < 0.55 else total
    # the others pay late only by days: nothing of theirs is open two weeks past due
    return total if days_past_due > 14 or rng.random() < 0.93 else Decimal(0)


def _past_events(session: Session, rng: random.Random) -> None:
    """The timeline of each past order, as the process would have written it."""
    steps = [
        ("confirmed", "confirmed", "Stock reserved; the warehouse has been notified.", "sales_rep"),
        ("picking", "picking", "Picking started.", "warehouse"),
        ("packed", "packed", "Packed and ready for the carrier.", "warehouse"),
        ("shipped", "shipped", "Shipped.", "warehouse"),
        ("delivered", "delivered", "Delivered.", "warehouse"),
    ]
    for order in session.scalars(select(Order).where(Order.submitted_at.is_not(None))).unique():
        at = order.created_at
        session.add(
            OrderEvent(
                order_id=order.id,
                at=at,
                kind="created",
                status="draft",
                actor_role="sales_rep",
                note="Draft created.",
                data={},
            )
        )
        if order.status == OrderStatus.CANCELLED.value:
            session.add(
                OrderEvent(
                    order_id=order.id,
                    at=at + timedelta(hours=2),
                    kind="cancelled",
                    status="cancelled",
                    actor_role="sales_rep",
                    note="Cancelled: customer changed plans.",
                    data={},
                )
            )
            continue
        at = order.submitted_at or at
        for kind, status, note, role in steps:
            data = {}
            if kind == "shipped":
                data = {"carrier": order.carrier, "tracking_number": order.tracking_number}
                note = f"Shipped with {order.carrier}, tracking {order.tracking_number}."
            session.add(
                OrderEvent(
                    order_id=order.id,
                    at=at,
                    kind=kind,
                    status=status,
                    actor_role=role,
                    note=note,
                    data=data,
                )
            )
            at += timedelta(hours=rng.randint(3, 30))
        order.updated_at = at


def _open_orders(
    session: Session,
    rng: random.Random,
    customers: list[Customer],
    staff: dict[str, Principal],
    now: datetime,
) -> None:
    """This week's orders, placed through the real services: drafts, confirmed orders,
    orders held for credit or price, and orders waiting for short stock."""
    rep = actor_for(staff["tom.becker"])
    finance = actor_for(staff["li.wang"])
    plans: list[tuple[str, list[tuple[str, int, str]], str]] = [
        (
            "CUST-0001",
            [("BOLT-M8", 400, "0"), ("NUT-M8", 400, "0"), ("WASHER-8", 800, "0")],
            "submit",
        ),
        ("CUST-0002", [("SHACKLE-D-8", 40, "0"), ("CHAIN-6MM-M", 60, "0")], "submit"),
        ("CUST-0003", [("SCREW-WOOD-4X40", 3000, "0"), ("HINGE-BUTT-75", 24, "0")], "draft"),
        ("CUST-0004", [("BOLT-M16", 500, "0"), ("NUT-M16", 500, "0")], "submit"),
        ("CUST-0005", [("SCREW-DECK-5X50", 1200, "0")], "submit"),
        ("CUST-0006", [("ANCHOR-8", 1000, "0"), ("SCREW-WOOD-5X60", 1000, "0")], "submit"),
        ("CUST-0009", [("BRACKET-L-100", 200, "15")], "submit"),
        ("CUST-0012", [("CABLE-TIE-300", 10, "0"), ("VEST-HIVIS-L", 40, "0")], "submit"),
        ("CUST-0014", [("GLOVES-NITRILE-XL", 200, "0")], "submit"),
        ("CUST-0016", [("TORQUE-WRENCH-200", 2, "0"), ("SOCKET-SET-46", 3, "0")], "submit"),
        ("CUST-0018", [("ADHESIVE-PU-310", 60, "0"), ("SEALANT-SILICONE", 48, "0")], "submit"),
        ("CUST-0022", [("SEALANT-SILICONE", 24, "20"), ("LUBE-SPRAY-400", 12, "0")], "reject"),
        ("CUST-0024", [("ANCHOR-WEDGE-M12", 200, "0")], "draft"),
    ]
    by_code = {c.code: c for c in customers}
    for code, lines, plan in plans:
        at = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        request = order_service.OrderRequest(
            customer_code=code,
            lines=[order_service.LineRequest(sku, qty, Decimal(d)) for sku, qty, d in lines],
            channel=rng.choice(["telegram", "web", "api"]),
            requested_delivery_date=(now + timedelta(days=rng.randint(3, 14))).date(),
            shipping_address=by_code[code].shipping_address,
        )
        order = order_service.create_order(session, rep, request, at)
        if plan in {"submit", "reject"}:
            order_service.submit_order(session, rep, order.number, at + timedelta(minutes=5))
        if plan == "reject":
            order_service.reject_order(
                session,
                finance,
                order.number,
                "20% discount is above list terms; offer 10% at most.",
                at + timedelta(hours=2),
            )
