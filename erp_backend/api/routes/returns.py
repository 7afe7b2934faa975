from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.api.context import Ctx, IdempotencyKey
from erp_backend.api.openapi import errors
from erp_backend.api.presenters import return_out
from erp_backend.api.schemas import NO_NUL, Page, ReturnIn, ReturnOut
from erp_backend.db.models import CreditNote, ReturnRequest
from erp_backend.domain.principals import Actor
from erp_backend.services import returns

router = APIRouter(prefix="/returns", tags=["returns"])
NumberPath = Annotated[str, Path(max_length=24, pattern=NO_NUL, description="e.g. RMA-2026-00007")]


def _present(s: Session, request: ReturnRequest) -> ReturnOut:
    note = s.scalar(select(CreditNote.number).where(CreditNote.return_id == request.id))
    return return_out(request, note)


@router.post("", status_code=201, response_model=ReturnOut, responses=errors(404))
def request_return(ctx: Ctx, body: ReturnIn, key: IdempotencyKey = None) -> JSONResponse:
    """Return some delivered goods of one order (no more than delivered and not yet returned)."""
    lines = [returns.ReturnLineRequest(line.sku, line.quantity) for line in body.lines]

    def work(s: Session, actor: Actor, now: datetime) -> ReturnOut:
        request = returns.request_return(s, actor, body.order_number, lines, body.reason, now)
        s.flush()
        return _present(s, request)

    return ctx.write(work, status_code=201, idempotency_key=key, body=body)


@router.get("", response_model=Page[ReturnOut])
def list_returns(
    ctx: Ctx,
    status: Literal["requested", "received"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReturnOut]:
    items = ctx.read(
        lambda s, actor: [_present(s, r) for r in returns.list_returns(s, actor, status, limit)]
    )
    return Page[ReturnOut](items=items, next_cursor=None)


@router.get("/{number}", response_model=ReturnOut)
def get_return(ctx: Ctx, number: NumberPath) -> ReturnOut:
    return ctx.read(lambda s, actor: _present(s, returns.get_return(s, actor, number.upper())))


@router.post("/{number}/receive", response_model=ReturnOut)
def receive_return(ctx: Ctx, number: NumberPath, key: IdempotencyKey = None) -> JSONResponse:
    """Warehouse: goods are back. Restocks them and issues the credit note."""

    def work(s: Session, actor: Actor, now: datetime) -> ReturnOut:
        note = returns.receive_return(s, actor, number.upper(), now)
        s.flush()
        request = returns.get_return(s, actor, number.upper())
        return return_out(request, note.number)

    return ctx.write(work, idempotency_key=key)
