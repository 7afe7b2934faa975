"""Products and customers: the master data orders are built from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Customer, Product, Stock
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import to_money
from erp_backend.domain.principals import Actor, Permission, Role
from erp_backend.domain.search import Document, Hit, SearchIndex
from erp_backend.services.orders import credit_exposure

T = TypeVar("T")


@dataclass(frozen=True)
class Credit:
    credit_limit: Decimal
    exposure: Decimal

    @property
    def available(self) -> Decimal:
        return to_money(self.credit_limit - self.exposure)


def list_products(
    session: Session, actor: Actor, after_sku: str | None, limit: int
) -> list[Product]:
    """Active products in SKU order, a page at a time."""
    actor.require(Permission.READ_CATALOG)
    statement = select(Product).where(Product.active.is_(True)).order_by(Product.sku).limit(limit)
    if after_sku is not None:
        statement = statement.where(Product.sku > after_sku)
    return list(session.scalars(statement).unique())


def search_products(session: Session, actor: Actor, q: str, limit: int) -> list[Ranked[Product]]:
    """Active products ranked for a query in words ("m8 bolts", "8mm washers", "m8螺栓"), best
    first; a SKU typed exactly comes first (domain/search.py)."""
    actor.require(Permission.READ_CATALOG)
    rows = session.execute(
        select(Product.sku, Product.name, Product.search_terms, Product.name_zh).where(
            Product.active.is_(True)
        )
    ).all()
    index = _index(
        ("products", *rows),
        lambda: (
            Document(sku, name, [sku, *terms.split(",")], name_zh)
            for sku, name, terms, name_zh in rows
        ),
    )
    hits = _exact_first(q, index.search(q, limit))[:limit]
    found = {
        p.sku: p
        for p in session.scalars(select(Product).where(Product.sku.in_([h.key for h in hits])))
    }
    return [Ranked(found[h.key], h) for h in hits if h.key in found]


def list_customers(
    session: Session, actor: Actor, after_code: str | None, limit: int
) -> list[Customer]:
    """The customers the actor may see, in code order, a page at a time."""
    actor.require(Permission.READ_CUSTOMERS)
    statement = select(Customer).order_by(Customer.code).limit(limit)
    if actor.role is Role.CUSTOMER:  # only itself (an unlinked customer: nobody)
        statement = statement.where(Customer.id == actor.customer_id)
    if after_code is not None:
        statement = statement.where(Customer.code > after_code)
    return list(session.scalars(statement))


def search_customers(session: Session, actor: Actor, q: str, limit: int) -> list[Ranked[Customer]]:
    """Customers ranked for a name as staff say it ("baker and sons", "the marine supply
    people", a Chinese name), their code or city also matched; a customer sees only itself."""
    actor.require(Permission.READ_CUSTOMERS)
    rows = session.execute(
        select(
            Customer.id, Customer.code, Customer.name, Customer.shipping_address, Customer.name_zh
        )
    ).all()
    rows = [row for row in rows if actor.sees_customer(row.id)]
    index = _index(
        ("customers", *rows),
        lambda: (
            Document(code, name, [code, (address or "").rsplit(",", 1)[-1]], name_zh)
            for _, code, name, address, name_zh in rows
        ),
    )
    hits = _exact_first(q, index.search(q, limit))[:limit]
    found = {
        c.code: c
        for c in session.scalars(select(Customer).where(Customer.code.in_([h.key for h in hits])))
    }
    return [Ranked(found[h.key], h) for h in hits if h.key in found]


@dataclass(frozen=True)
class Ranked(Generic[T]):
    item: T
    hit: Hit

    @property
    def match(self) -> str:
        """ "full" when the item matches the whole query, else "partial"."""
        return "full" if self.hit.query_share >= FULL_MATCH else "partial"


# A query matched for at least this share of its weight is a match for the whole query.
FULL_MATCH = 0.85
_INDEXES: dict[int, SearchIndex] = {}


def _index(rows: tuple[Any, ...], documents: Callable[[], Iterable[Document]]) -> SearchIndex:
    """The search index of these rows, built once while they stay the same (any change to a
    name, term or code builds a new one; a few collections are kept)."""
    key = hash(rows)
    index = _INDEXES.get(key)
    if index is None:
        index = SearchIndex(documents())
        if len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = index
    return index


def _exact_first(q: str, hits: list[Hit]) -> list[Hit]:
    """A key typed as it is (a SKU, a customer code) is the answer, whatever else matches."""
    typed = q.strip().upper()
    exact = [Hit(h.key, 1.0, 1.0) for h in hits if h.key == typed]
    return exact + [h for h in hits if h.key != typed] if exact else hits


def get_product(session: Session, actor: Actor, sku: str) -> Product:
    actor.require(Permission.READ_CATALOG)
    product = repo.product_by_sku(session, sku)
    if product is None:
        raise repo.not_found("Product", sku)
    return product


def create_product(
    session: Session, actor: Actor, fields: dict[str, Any], now: datetime
) -> Product:
    actor.require(Permission.MANAGE_CATALOG)
    if repo.product_by_sku(session, fields["sku"]) is not None:
        raise DomainError(
            ErrorCode.ALREADY_EXISTS, f"Product {fields['sku']} exists.", sku=fields["sku"]
        )
    product = Product(**fields, created_at=now)
    product.stock = Stock(on_hand=0, reserved=0)
    session.add(product)
    session.flush()
    return product


def update_product(session: Session, actor: Actor, sku: str, fields: dict[str, Any]) -> Product:
    actor.require(Permission.MANAGE_CATALOG)
    product = get_product(session, actor, sku)
    for name, value in fields.items():
        setattr(product, name, value)
    return product


def get_customer(session: Session, actor: Actor, code: str) -> Customer:
    actor.require(Permission.READ_CUSTOMERS)
    customer = repo.customer_by_code(session, code)
    if customer is None or not actor.sees_customer(customer.id):
        raise repo.not_found("Customer", code)
    return customer


def customer_credit(session: Session, actor: Actor, code: str) -> Credit:
    customer = get_customer(session, actor, code)
    return Credit(customer.credit_limit, credit_exposure(session, customer.id))


def create_customer(
    session: Session, actor: Actor, fields: dict[str, Any], now: datetime
) -> Customer:
    actor.require(Permission.MANAGE_CUSTOMERS)
    if repo.customer_by_code(session, fields["code"]) is not None:
        raise DomainError(
            ErrorCode.ALREADY_EXISTS,
            f"Customer {fields['code']} exists.",
            customer_code=fields["code"],
        )
    customer = Customer(**fields, created_at=now)
    session.add(customer)
    session.flush()
    return customer


def update_customer(session: Session, actor: Actor, code: str, fields: dict[str, Any]) -> Customer:
    actor.require(Permission.MANAGE_CUSTOMERS)
    customer = get_customer(session, actor, code)
    for name, value in fields.items():
        setattr(customer, name, value)
    return customer
