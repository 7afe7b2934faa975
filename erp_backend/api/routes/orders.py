from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from erp_backend.api.context import (
    Ctx,
    IdCursor,
    IdempotencyKey,
    decode_id_cursor,
    encode_id_cursor,
)
from erp_backend.api.presenters import order_event_out, order_out
from erp_backend.api.schemas import (
    NO_NUL,
    CancelIn,
    CustomerCode,
    OrderCreate,
    OrderEdit,
    OrderEventOut,
    OrderOut,
    Page,
    RejectIn,
    ShipIn,
)
from erp_backend.domain.orders import OrderStatus
from erp_backend.domain.principals import Actor
from erp_backend.services import fulfilment, orders
from erp_backend.services.orders import LineRequest, OrderRequest

router = APIRouter(prefix="/orders", tags=["orders"])
NumberPath = Annotated[str, Path(max_length=20, pattern=NO_NUL, description="e.g. SO-2026-00042")]


def _request(body: OrderCreate | OrderEdit) -> OrderRequest:
    return OrderRequest(
        customer_code=body.customer_code if isinstance(body, OrderCreate) else None,
        lines=[LineRequest(line.sku, line.quantity, line.discount_pct) for line in body.lines],
        channel=body.channel if isinstance(body, OrderCreate) else None,
        requested_delivery_date=body.requested_delivery_date,
        shipping_address=body.shipping_address,
    )


@router.post("", status_code=201, response_model=OrderOut)
def create_order(ctx: Ctx, body: OrderCreate, key: IdempotencyKey = None) -> JSONResponse:
    """Create a draft with its number and a priced preview. Nothing is reserved yet."""
    request = _request(body)
    return ctx.write(
        lambda s, actor, now: order_out(orders.create_order(s, actor, request, now)),
        status_code=201,
        idempotency_key=key,
        body=body,
    )


@router.get("", response_model=Page[OrderOut])
def list_orders(
    ctx: Ctx,
    status: OrderStatus | None = None,
    customer_code: Annotated[CustomerCode | None, Query()] = None,
    cursor: IdCursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[OrderOut]:
    before = decode_id_cursor(cursor)

    def work(s: Session, actor: Actor) -> tuple[list[OrderOut], int | None]:
        found = orders.list_orders(
            s, actor, status=status, customer_code=customer_code, before_id=before, limit=limit
        )
        return [order_out(order) for order in found], (found[-1].id if found else None)

    items, last_id = ctx.read(work)
    next_cursor = encode_id_cursor(last_id) if len(items) == limit and last_id else None
    return Page[OrderOut](items=items, next_cursor=next_cursor)


@router.get("/{number}", response_model=OrderOut)
def get_order(ctx: Ctx, number: NumberPath) -> OrderOut:
    return ctx.read(lambda s, actor: order_out(orders.get_order(s, actor, number.upper())))


@router.get("/{number}/events", response_model=Page[OrderEventOut])
def get_order_events(ctx: Ctx, number: NumberPath) -> Page[OrderEventOut]:
    events = ctx.read(
        lambda s, actor: [order_event_out(e) for e in orders.order_events(s, actor, number.upper())]
    )
    return Page[OrderEventOut](items=events, next_cursor=None)


@router.patch("/{number}", response_model=OrderOut)
def edit_order(
    ctx: Ctx, number: NumberPath, body: OrderEdit, key: IdempotencyKey = None
) -> JSONResponse:
    """Change a draft (for example after a rejection): lines are replaced and repriced."""
    request = _request(body)
    return ctx.write(
        lambda s, actor, now: order_out(orders.edit_order(s, actor, number.upper(), request, now)),
        idempotency_key=key,
        body=body,
    )


@router.post("/{number}/submit", response_model=OrderOut)
def submit_order(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    """Run the checks (customer active, lines, price authority, credit); then either hold the
    order for approval or reserve stock: confirmed, or awaiting stock."""
    return ctx.write(
        lambda s, actor, now: order_out(orders.submit_order(s, actor, number.upper(), now)),
        idempotency_key=key,
    )


@router.post("/{number}/approve", response_model=OrderOut)
def approve_order(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: order_out(orders.approve_order(s, actor, number.upper(), now)),
        idempotency_key=key,
    )


@router.post("/{number}/reject", response_model=OrderOut)
def reject_order(
    ctx: Ctx, number: NumberPath, body: RejectIn, key: IdempotencyKey = None
) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: order_out(
            orders.reject_order(s, actor, number.upper(), body.reason, now)
        ),
        idempotency_key=key,
        body=body,
    )


@router.post("/{number}/cancel", response_model=OrderOut)
def cancel_order(
    ctx: Ctx,
    number: NumberPath,
    body: Annotated[CancelIn | None, Body()] = None,
    key: IdempotencyKey = None,
) -> JSONResponse:
    reason = body.reason if body else None
    return ctx.write(
        lambda s, actor, now: order_out(
            orders.cancel_order(s, actor, number.upper(), reason or None, now)
        ),
        idempotency_key=key,
        body=body,
    )


@router.post("/{number}/pick", response_model=OrderOut)
def pick_order(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    """Warehouse: picking starts (the order can still be cancelled)."""
    return ctx.write(
        lambda s, actor, now: order_out(fulfilment.pick_order(s, actor, number.upper(), now)),
        idempotency_key=key,
    )


@router.post("/{number}/pack", response_model=OrderOut)
def pack_order(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    """Warehouse: packed; from here on the order can no longer be cancelled."""
    return ctx.write(
        lambda s, actor, now: order_out(fulfilment.pack_order(s, actor, number.upper(), now)),
        idempotency_key=key,
    )


@router.post("/{number}/ship", response_model=OrderOut)
def ship_order(
    ctx: Ctx, number: NumberPath, body: ShipIn, key: IdempotencyKey = None
) -> JSONResponse:
    """Warehouse: handed to the carrier. Stock goes out and the invoice is issued."""
    return ctx.write(
        lambda s, actor, now: order_out(
            fulfilment.ship_order(s, actor, number.upper(), body.carrier, body.tracking_number, now)
        ),
        idempotency_key=key,
        body=body,
    )


@router.post("/{number}/deliver", response_model=OrderOut)
def deliver_order(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: order_out(fulfilment.deliver_order(s, actor, number.upper(), now)),
        idempotency_key=key,
    )
