from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from erp_backend.api import downloads
from erp_backend.api.context import (
    Ctx,
    IdCursor,
    IdempotencyKey,
    decode_id_cursor,
    encode_id_cursor,
)
from erp_backend.api.presenters import invoice_detail_out, invoice_out
from erp_backend.api.schemas import (
    NO_NUL,
    CustomerCode,
    InvoiceDetailOut,
    InvoiceOut,
    Page,
    PaymentIn,
    PaymentOut,
)
from erp_backend.domain.principals import Actor
from erp_backend.domain.receivables import InvoiceStatus
from erp_backend.services import invoicing

router = APIRouter(prefix="/invoices", tags=["invoices"])
NumberPath = Annotated[str, Path(max_length=24, pattern=NO_NUL, description="e.g. INV-2026-00042")]


@router.get("", response_model=Page[InvoiceOut])
def list_invoices(
    ctx: Ctx,
    status: InvoiceStatus | None = None,
    open: Annotated[bool, Query(description="only invoices with a balance")] = False,
    customer_code: Annotated[CustomerCode | None, Query()] = None,
    cursor: IdCursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[InvoiceOut]:
    before = decode_id_cursor(cursor)
    today = ctx.clock().date()

    def work(s: Session, actor: Actor) -> tuple[list[InvoiceOut], int | None]:
        found = invoicing.list_invoices(
            s,
            actor,
            today,
            status=status,
            open_only=open,
            customer_code=customer_code,
            before_id=before,
            limit=limit,
        )
        return [invoice_out(i, today) for i in found], (found[-1].id if found else None)

    items, last_id = ctx.read(work)
    next_cursor = encode_id_cursor(last_id) if len(items) == limit and last_id else None
    return Page[InvoiceOut](items=items, next_cursor=next_cursor)


@router.get("/{number}.csv", response_class=Response, responses=downloads.CSV_RESPONSE)
def download_invoice(ctx: Ctx, number: NumberPath) -> Response:
    """The invoice as CSV (see docs/decisions.md for why CSV)."""
    today = ctx.clock().date()
    invoice = ctx.read(
        lambda s, actor: invoice_detail_out(invoicing.get_invoice(s, actor, number.upper()), today)
    )
    return downloads.csv_response(f"{invoice.number}.csv", downloads.invoice_rows(invoice))


@router.get("/{number}", response_model=InvoiceDetailOut)
def get_invoice(ctx: Ctx, number: NumberPath) -> InvoiceDetailOut:
    today = ctx.clock().date()
    return ctx.read(
        lambda s, actor: invoice_detail_out(invoicing.get_invoice(s, actor, number.upper()), today)
    )


@router.post("/{number}/payments", status_code=201, response_model=PaymentOut)
def record_payment(
    ctx: Ctx, number: NumberPath, body: PaymentIn, key: IdempotencyKey = None
) -> JSONResponse:
    """Finance: money received against this invoice (partial or full; never more)."""
    request = invoicing.PaymentRequest(body.amount, body.received_on, body.reference)

    def work(s: Session, actor: Actor, now: datetime) -> PaymentOut:
        invoice, payment = invoicing.record_payment(s, actor, number.upper(), request, now)
        s.flush()
        return PaymentOut(
            currency=payment.currency or invoice.currency,
            id=payment.id,
            amount=payment.amount,
            received_on=payment.received_on,
            reference=payment.reference,
            invoice=invoice_out(invoice, now.date()),
        )

    return ctx.write(work, status_code=201, idempotency_key=key, body=body)
