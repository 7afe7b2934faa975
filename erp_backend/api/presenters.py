"""Database rows to response bodies."""

from __future__ import annotations

from erp_backend.api.schemas import (
    CustomerOut,
    OrderEventOut,
    OrderLineOut,
    OrderOut,
    ProductOut,
    ReplenishmentOut,
    StockOut,
)
from erp_backend.db.models import Customer, Order, OrderEvent, Product, ReplenishmentRequest
from erp_backend.domain.money import to_money
from erp_backend.domain.orders import OrderStatus, allowed_actions


def product_out(product: Product) -> ProductOut:
    stock = product.stock
    return ProductOut(
        sku=product.sku,
        name=product.name,
        unit_price=to_money(product.unit_price),
        unit=product.unit,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        available=stock.available,
        reorder_point=product.reorder_point,
        reorder_qty=product.reorder_qty,
        active=product.active,
    )


def stock_out(product: Product) -> StockOut:
    stock = product.stock
    return StockOut(
        sku=product.sku, on_hand=stock.on_hand, reserved=stock.reserved, available=stock.available
    )


def customer_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        code=customer.code,
        name=customer.name,
        credit_limit=to_money(customer.credit_limit),
        payment_terms_days=customer.payment_terms_days,
        active=customer.active,
        shipping_address=customer.shipping_address,
        email=customer.email,
    )


def order_out(order: Order) -> OrderOut:
    # Actions that only the system takes (allocate on a stock receipt) are not offered.
    actions = [
        action.value
        for action in allowed_actions(OrderStatus(order.status))
        if action.value != "allocate"
    ]
    return OrderOut(
        number=order.number,
        status=order.status,
        customer_code=order.customer.code,
        customer_name=order.customer.name,
        channel=order.channel,
        lines=[
            OrderLineOut(
                line_no=line.line_no,
                sku=line.product.sku,
                name=line.product.name,
                quantity=line.quantity,
                unit_price=to_money(line.unit_price),
                discount_pct=to_money(line.discount_pct),
                line_total=to_money(line.line_total),
            )
            for line in order.lines
        ],
        total=to_money(order.total),
        approval_reasons=list(order.approval_reasons),
        rejection_reason=order.rejection_reason,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        requested_delivery_date=order.requested_delivery_date,
        shipping_address=order.shipping_address,
        created_by=order.created_by.name if order.created_by else None,
        created_at=order.created_at,
        updated_at=order.updated_at,
        submitted_at=order.submitted_at,
        allowed_actions=actions,
    )


def order_event_out(event: OrderEvent) -> OrderEventOut:
    return OrderEventOut(
        at=event.at,
        kind=event.kind,
        status=event.status,
        actor_role=event.actor_role,
        note=event.note,
        data=event.data,
    )


def replenishment_out(request: ReplenishmentRequest) -> ReplenishmentOut:
    return ReplenishmentOut(
        id=request.id,
        sku=request.product.sku,
        quantity=request.quantity,
        status=request.status,
        reason=request.reason,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )
