"""Database rows to response bodies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from erp_backend.api.schemas import (
    CustomerOut,
    EventOut,
    ForecastOut,
    InvoiceDetailOut,
    InvoiceOut,
    MonthlyDemandOut,
    OrderEventOut,
    OrderLineOut,
    OrderOut,
    Page,
    ProductOut,
    ReplenishmentOut,
    ReplenishmentPolicyOut,
    ReplenishmentProposalOut,
    ReturnLineOut,
    ReturnOut,
    StockOut,
)
from erp_backend.db.models import (
    Customer,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    OutboxEvent,
    Product,
    ReplenishmentRequest,
    ReturnRequest,
)
from erp_backend.domain.money import ZERO, business_currency, to_money
from erp_backend.domain.orders import OrderStatus, allowed_actions
from erp_backend.domain.receivables import days_overdue
from erp_backend.services.catalog import Ranked
from erp_backend.services.forecast import ProductForecast
from erp_backend.services.invoicing import status_of

M = TypeVar("M", bound=BaseModel)


def product_out(product: Product) -> ProductOut:
    stock = product.stock
    return ProductOut(
        currency=product.currency or business_currency(),
        sku=product.sku,
        name=product.name,
        name_zh=product.name_zh,
        unit_price=to_money(product.unit_price),
        unit=product.unit,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        available=stock.available,
        reorder_point=product.reorder_point,
        reorder_qty=product.reorder_qty,
        active=product.active,
        search_terms=product.search_terms,
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
        name_zh=customer.name_zh,
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
        currency=order.currency or business_currency(),
        number=order.number,
        status=order.status,
        customer_code=order.customer.code,
        customer_name=order.customer.name,
        customer_name_zh=order.customer.name_zh,
        channel=order.channel,
        lines=[order_line_out(line) for line in order.lines],
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


def order_line_out(line: OrderLine) -> OrderLineOut:
    return OrderLineOut(
        line_no=line.line_no,
        sku=line.product.sku,
        name=line.product.name,
        name_zh=line.product.name_zh,
        quantity=line.quantity,
        unit_price=to_money(line.unit_price),
        discount_pct=to_money(line.discount_pct),
        line_total=to_money(line.line_total),
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


def invoice_out(invoice: Invoice, today: date) -> InvoiceOut:
    return InvoiceOut(
        currency=invoice.currency or business_currency(),
        number=invoice.number,
        order_number=invoice.order.number if invoice.order else None,
        customer_code=invoice.customer.code,
        customer_name=invoice.customer.name,
        customer_name_zh=invoice.customer.name_zh,
        status=status_of(invoice, today).value,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        days_overdue=max(days_overdue(invoice.due_on, today), 0),
        total=to_money(invoice.total),
        paid=to_money(invoice.paid),
        credited=to_money(invoice.credited),
        balance=to_money(invoice.balance),
    )


def invoice_detail_out(invoice: Invoice, today: date) -> InvoiceDetailOut:
    return InvoiceDetailOut(
        **invoice_out(invoice, today).model_dump(),
        # An opening invoice (imported, no order) has no lines here: they are in the old system.
        lines=[order_line_out(line) for line in invoice.order.lines] if invoice.order else [],
    )


def return_out(request: ReturnRequest, credit_note: str | None) -> ReturnOut:
    return ReturnOut(
        number=request.number,
        order_number=request.order.number,
        customer_code=request.order.customer.code,
        status=request.status,
        reason=request.reason,
        lines=[
            ReturnLineOut(sku=line.product.sku, quantity=line.quantity, credit=line.line_total)
            for line in request.lines
        ],
        credit_total=to_money(sum((line.line_total for line in request.lines), start=ZERO)),
        created_at=request.created_at,
        received_at=request.received_at,
        credit_note_number=credit_note,
    )


def event_out(event: OutboxEvent, audience: list[str]) -> EventOut:
    return EventOut(
        id=event.id,
        type=event.type,
        occurred_at=event.occurred_at,
        payload=event.payload,
        audience=audience,
    )


def forecast_out(found: ProductForecast) -> ForecastOut:
    history, policy = found.history, found.policy
    return ForecastOut(
        sku=history.sku,
        name=history.name,
        method=found.forecast.method.value,
        history=[
            MonthlyDemandOut(month=f"{month:%Y-%m}", quantity=quantity)
            for month, quantity in zip(history.months, history.quantities, strict=True)
        ],
        forecast=[
            MonthlyDemandOut(month=f"{month:%Y-%m}", quantity=round(quantity, 1))
            for month, quantity in zip(found.forecast_months, found.forecast.values, strict=True)
        ],
        residual_std=round(found.forecast.residual_std, 2),
        available=history.available,
        reorder_point=history.reorder_point,
        reorder_qty=history.reorder_qty,
        proposed_reorder_point=found.proposed_reorder_point,
        proposed_reorder_qty=found.proposed_reorder_qty,
        policy=ReplenishmentPolicyOut(
            lead_time_days=policy.lead_time_days,
            service_level=policy.service_level,
            cover_days=policy.cover_days,
        ),
    )


def proposal_out(found: ProductForecast) -> ReplenishmentProposalOut:
    history = found.history
    return ReplenishmentProposalOut(
        sku=history.sku,
        name=history.name,
        method=found.forecast.method.value,
        available=history.available,
        reorder_point=history.reorder_point,
        reorder_qty=history.reorder_qty,
        proposed_reorder_point=found.proposed_reorder_point,
        proposed_reorder_qty=found.proposed_reorder_qty,
        reasons=found.reasons,
    )


def ranked_page(ranked: Sequence[Ranked[Any]], present: Callable[[Any], M]) -> Page[M]:
    """One page of search results, best first, each with its `relevance` and `match`."""
    return Page[M](
        items=[
            present(r.item).model_copy(
                update={"relevance": round(r.hit.relevance, 3), "match": r.match}
            )
            for r in ranked
        ],
        next_cursor=None,
    )
