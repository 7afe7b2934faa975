"""Queries and statements the services need, in one place.

The stock statements are the heart of "never oversell": a reservation is one conditional
UPDATE (`... WHERE on_hand - reserved >= :qty`). PostgreSQL re-checks that condition on the
newest row version after waiting for any concurrent writer's row lock (READ COMMITTED), and
SQLite runs one writer at a time, so two reservations can never both see the same units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from erp_backend.db.models import (
    Customer,
    Invoice,
    NumberSequence,
    Order,
    OrderLine,
    Product,
    ReplenishmentRequest,
    Stock,
)
from erp_backend.db.types import Total
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import to_money
from erp_backend.domain.orders import COMMITTED_STATUSES, RESERVING_STATUSES, OrderStatus


def not_found(what: str, key: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} {key} was not found.", resource=what, key=key)


def order_by_number(session: Session, number: str, *, for_update: bool = False) -> Order:
    statement = select(Order).where(Order.number == number)
    if for_update:
        # Lock only the order row; the joined customer/principal rows stay unlocked.
        statement = statement.with_for_update(of=Order)
    order = session.scalars(statement).unique().one_or_none()
    if order is None:
        raise not_found("Order", number)
    return order


def lock_customer(session: Session, customer_id: int) -> None:
    session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())


def customer_by_code(session: Session, code: str) -> Customer | None:
    return session.scalars(select(Customer).where(Customer.code == code)).one_or_none()


def product_by_sku(session: Session, sku: str) -> Product | None:
    return session.scalars(select(Product).where(Product.sku == sku)).unique().one_or_none()


def products_by_sku(session: Session, skus: Iterable[str]) -> dict[str, Product]:
    wanted = set(skus)
    products = session.scalars(select(Product).where(Product.sku.in_(wanted))).unique()
    return {product.sku: product for product in products}


def next_sequence_value(session: Session, name: str, year: int) -> int:
    """Next number of a yearly counter. The row lock taken by the UPDATE is held until the
    order's transaction ends, so numbers are gap-free and never handed out twice."""
    bump = (
        update(NumberSequence)
        .where(NumberSequence.name == name, NumberSequence.year == year)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is None:  # the first number of the year: create the counter (once, race-free)
        insert = insert_for(session, NumberSequence)
        session.execute(
            insert.values(name=name, year=year, last_value=0).on_conflict_do_nothing(
                index_elements=["name", "year"]
            )
        )
        value = session.execute(bump).scalar_one()
    return int(value)


def credit_exposure(session: Session, customer_id: int, *, excluding: int | None) -> Decimal:
    """Open receivables + orders the customer is committed to that are not invoiced yet
    (`excluding` one order, the one being checked), in one round trip."""
    # Signed: a credit note larger than what was open is money owed to the customer.
    receivables = (
        select(func.coalesce(func.sum(Invoice.total - Invoice.paid - Invoice.credited), 0))
        .where(Invoice.customer_id == customer_id)
        .scalar_subquery()
    )
    committed = select(func.coalesce(func.sum(Order.total), 0)).where(
        Order.customer_id == customer_id,
        Order.status.in_([status.value for status in COMMITTED_STATUSES]),
    )
    if excluding is not None:
        committed = committed.where(Order.id != excluding)
    total = session.execute(
        select((receivables + committed.scalar_subquery()).cast(Total()))
    ).scalar_one()
    return to_money(total)


def reserve(session: Session, demand: dict[int, int]) -> dict[int, int] | None:
    """Reserve every product's quantity, or nothing. Returns None on success, otherwise the
    shortfall per product (needed minus available at the time of the attempt)."""
    if _try_reserve(session, demand):
        return None
    # A failed conditional UPDATE locks nothing, so a receipt could add stock right now and
    # then miss this order, which it does not yet see waiting. Lock the rows and try again:
    # a receipt that got there first has committed and its stock is visible now; one that
    # comes later waits for this transaction and then finds the order awaiting stock.
    session.execute(
        select(Stock.product_id)
        .where(Stock.product_id.in_(demand))
        .order_by(Stock.product_id)
        .with_for_update()
    )
    if _try_reserve(session, demand):
        return None
    return _shortfall(session, demand)


def _try_reserve(session: Session, demand: dict[int, int]) -> bool:
    """One conditional UPDATE per product, in product-id order so that concurrent
    multi-line reservations always lock rows in the same order (no deadlocks). On a miss,
    the products already taken are given back in this same transaction; nobody else saw
    them, since their rows stay locked until the end of the transaction."""
    taken: dict[int, int] = {}
    for product_id, quantity in sorted(demand.items()):
        result = session.execute(
            update(Stock)
            .where(Stock.product_id == product_id, Stock.on_hand - Stock.reserved >= quantity)
            .values(reserved=Stock.reserved + quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            release(session, taken)
            return False
        taken[product_id] = quantity
    return True


def _shortfall(session: Session, demand: dict[int, int]) -> dict[int, int]:
    rows = session.execute(
        select(Stock.product_id, Stock.on_hand - Stock.reserved).where(Stock.product_id.in_(demand))
    ).all()
    available = {int(product_id): int(free) for product_id, free in rows}
    return {
        product_id: quantity - max(available.get(product_id, 0), 0)
        for product_id, quantity in demand.items()
        if quantity > available.get(product_id, 0)
    }


def reservations_out_of_step(session: Session) -> list[int]:
    """Products whose reserved quantity differs from the lines of the orders holding stock,
    or whose reservation exceeds what is on hand: empty when the books are straight."""
    held = dict(
        session.execute(
            select(OrderLine.product_id, func.sum(OrderLine.quantity))
            .join(Order)
            .where(Order.status.in_([status.value for status in RESERVING_STATUSES]))
            .group_by(OrderLine.product_id)
        ).all()
    )
    return [
        int(product_id)
        for product_id, on_hand, reserved in session.execute(
            select(Stock.product_id, Stock.on_hand, Stock.reserved).order_by(Stock.product_id)
        )
        if reserved != held.get(product_id, 0) or not 0 <= reserved <= on_hand
    ]


def release(session: Session, demand: dict[int, int]) -> None:
    for product_id, quantity in sorted(demand.items()):
        session.execute(
            update(Stock)
            .where(Stock.product_id == product_id)
            .values(reserved=Stock.reserved - quantity)
            .execution_options(synchronize_session=False)
        )


def ship_out(session: Session, demand: dict[int, int]) -> None:
    """Goods leave: on hand and reserved go down together (the CHECK keeps both sane)."""
    for product_id, quantity in sorted(demand.items()):
        session.execute(
            update(Stock)
            .where(Stock.product_id == product_id)
            .values(on_hand=Stock.on_hand - quantity, reserved=Stock.reserved - quantity)
            .execution_options(synchronize_session=False)
        )


def add_on_hand(session: Session, product_id: int, quantity: int) -> None:
    session.execute(
        update(Stock)
        .where(Stock.product_id == product_id)
        .values(on_hand=Stock.on_hand + quantity)
        .execution_options(synchronize_session=False)
    )


def stock_of(session: Session, product_id: int) -> Stock:
    stock = session.get(Stock, product_id, populate_existing=True)
    if stock is None:
        raise AssertionError(f"product {product_id} has no stock row")
    return stock


def add_to_replenishment(
    session: Session, product_id: int, quantity: int, reason: str, now: datetime
) -> None:
    """Add a shortfall to the product's open request, creating it if there is none. One
    statement, so concurrent shortfalls add up instead of racing to create two requests."""
    insert = insert_for(session, ReplenishmentRequest)
    statement = insert.values(
        product_id=product_id,
        quantity=quantity,
        status="open",
        reason=reason,
        created_at=now,
        updated_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["product_id"],
            # Literal, not a bound parameter: PostgreSQL matches the partial index by its
            # predicate, and a prepared statement's $1 would not match it.
            index_where=text("status = 'open'"),
            set_={
                "quantity": ReplenishmentRequest.quantity + statement.excluded.quantity,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


def open_replenishment(
    session: Session, product_id: int, quantity: int, reason: str, now: datetime
) -> bool:
    """Open a request for the product unless one is open already; True if this opened it.

    One statement against the one-open-request-per-product index: of two concurrent
    transactions, the second waits for the first and then finds its request, so a reorder
    point crossed by two orders at once raises one request."""
    insert = insert_for(session, ReplenishmentRequest)
    statement = (
        insert.values(
            product_id=product_id,
            quantity=quantity,
            status="open",
            reason=reason,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["product_id"], index_where=text("status = 'open'"))
        .returning(ReplenishmentRequest.id)
    )
    return session.execute(statement).first() is not None


def under_reorder_point(session: Session, product_ids: Iterable[int]) -> list[tuple[Product, int]]:
    """The products among these whose available stock is below their (non-zero) reorder
    point, with that availability as the database has it now (the ORM's stock rows may
    be stale after the conditional UPDATEs above)."""
    wanted = set(product_ids)
    if not wanted:
        return []
    available = Stock.on_hand - Stock.reserved
    rows = session.execute(
        select(Product, available)
        .join(Stock, Stock.product_id == Product.id)
        .where(
            Product.id.in_(wanted),
            Product.reorder_point > 0,
            available < Product.reorder_point,
        )
        .order_by(Product.id)
    ).all()
    return [(product, int(free)) for product, free in rows]


def reduce_replenishment(session: Session, product_id: int, received: int, now: datetime) -> None:
    request = (
        session.scalars(
            select(ReplenishmentRequest)
            .where(
                ReplenishmentRequest.product_id == product_id, ReplenishmentRequest.status == "open"
            )
            .with_for_update(of=ReplenishmentRequest)
        )
        .unique()
        .one_or_none()
    )
    if request is None:
        return
    request.quantity = max(request.quantity - received, 0)
    request.updated_at = now
    if request.quantity == 0:
        request.status = "fulfilled"


def awaiting_orders_for(session: Session, product_id: int) -> Sequence[Order]:
    """Orders waiting for this product, first submitted first."""
    waiting = select(OrderLine.order_id).where(OrderLine.product_id == product_id).scalar_subquery()
    return (
        session.scalars(
            select(Order)
            .where(Order.status == OrderStatus.AWAITING_STOCK.value, Order.id.in_(waiting))
            .order_by(Order.submitted_at, Order.id)
            .with_for_update(of=Order)
        )
        .unique()
        .all()
    )


def insert_for(session: Session, table: type[object]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"database {dialect} is not supported")
