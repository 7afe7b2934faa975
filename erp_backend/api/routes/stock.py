from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from erp_backend.api.context import Ctx, IdempotencyKey
from erp_backend.api.presenters import proposal_out, replenishment_out, stock_out
from erp_backend.api.schemas import (
    NO_NUL,
    Page,
    ReplenishmentOut,
    ReplenishmentProposalOut,
    StockOut,
    StockReceiptIn,
    StockReceiptOut,
)
from erp_backend.domain.principals import Actor
from erp_backend.domain.replenishment import ReplenishmentPolicy
from erp_backend.services import forecast, stock

router = APIRouter(tags=["stock"])


@router.post("/stock/receipts", status_code=201, response_model=StockReceiptOut)
def receive_stock(ctx: Ctx, body: StockReceiptIn, key: IdempotencyKey = None) -> JSONResponse:
    """Book goods in; orders waiting for this product are confirmed in the order they came."""

    def work(s: Session, actor: Actor, now: datetime) -> StockReceiptOut:
        level, confirmed = stock.receive_stock(s, actor, body.sku, body.quantity, now)
        return StockReceiptOut(
            stock=StockOut(
                sku=body.sku,
                on_hand=level.on_hand,
                reserved=level.reserved,
                available=level.available,
            ),
            confirmed_orders=confirmed,
        )

    return ctx.write(work, status_code=201, idempotency_key=key, body=body)


@router.get("/stock/{sku}", response_model=StockOut)
def get_stock(ctx: Ctx, sku: Annotated[str, Path(max_length=40, pattern=NO_NUL)]) -> StockOut:
    if sku == "receipts":
        # the path of POST /stock/receipts: a fixed path wins over a template (as in the
        # OpenAPI document), so GET there is a 405, not the stock of a product RECEIPTS
        raise HTTPException(405)
    return ctx.read(lambda s, actor: stock_out(stock.stock_for_sku(s, actor, sku.upper())))


@router.get("/replenishment-requests", response_model=Page[ReplenishmentOut])
def list_replenishment_requests(
    ctx: Ctx, status: Literal["open", "fulfilled"] | None = None
) -> Page[ReplenishmentOut]:
    items = ctx.read(
        lambda s, actor: [
            replenishment_out(r) for r in stock.replenishment_requests(s, actor, status)
        ]
    )
    return Page[ReplenishmentOut](items=items, next_cursor=None)


@router.get("/replenishment/proposals", response_model=Page[ReplenishmentProposalOut])
def list_replenishment_proposals(ctx: Ctx, request: Request) -> Page[ReplenishmentProposalOut]:
    """Products whose forecast proposes a materially different reorder point, or whose
    available stock is under the current or the proposed one."""
    policy: ReplenishmentPolicy = request.app.state.replenishment
    today = ctx.clock().date()
    histories = ctx.read(lambda s, actor: forecast.demand_histories(s, actor, today, policy))
    items = [proposal_out(found) for found in forecast.replenishment_proposals(histories, policy)]
    return Page[ReplenishmentProposalOut](items=items, next_cursor=None)
