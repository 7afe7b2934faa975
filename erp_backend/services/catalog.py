"""Products and customers: the master data orders are built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Customer, Product, Stock
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import to_money
from erp_backend.domain.principals import Actor, Permission
from erp_backend.services.orders import credit_exposure


@dataclass(frozen=True)
class Credit:
    credit_limit: Decimal
    exposure: Decimal

    @property
    def available(self) -> Decimal:
        return to_money(self.credit_limit - self.exposure)


def search_products(
    session: Session, actor: Actor, q: str | None, after_sku: str | None, limit: int
) -> list[Product]:
    """Active products by SKU order; `q` matches SKU or name, case-insensitively."""
    actor.require(Permission.READ_CATALOG)
    statement = select(Product).where(Product.active.is_(True)).order_by(Product.sku).limit(limit)
    if q and q.strip():
        term = q.strip()  # % and _ are matched literally (autoescape)
        statement = statement.where(
            or_(
                Product.sku.icontains(term, autoescape=True),
                Product.name.icontains(term, autoescape=True),
            )
        )
    if after_sku is not None:
        statement = statement.where(Product.sku > after_sku)
    return list(session.scalars(statement).unique())


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
