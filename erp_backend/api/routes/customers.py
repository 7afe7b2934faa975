from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from erp_backend.api.context import (
    Ctx,
    IdempotencyKey,
    KeyCursor,
    decode_cursor,
    encode_cursor,
)
from erp_backend.api.presenters import customer_out, ranked_page
from erp_backend.api.schemas import (
    NO_NUL,
    CreditOut,
    CustomerCreate,
    CustomerOut,
    CustomerPatch,
    Page,
)
from erp_backend.domain.money import to_money
from erp_backend.services import catalog

router = APIRouter(prefix="/customers", tags=["customers"])
CodePath = Annotated[str, Path(max_length=32, pattern=NO_NUL)]


@router.get("", response_model=Page[CustomerOut])
def list_customers(
    ctx: Ctx,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    cursor: KeyCursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[CustomerOut]:
    """Customers the caller may see (staff: all, a customer: itself). With `q`, those best
    matching a name as people say it ("baker and sons", "harbour marine", "the marine
    supply people"), a Chinese name ("码头餐饮") or a code, best first, each with its
    `relevance` and `match` ("full" when the whole query matched); one page, no cursor.
    Without `q`, in code order, a page at a time."""
    if q and q.strip():
        ranked = ctx.read(lambda s, actor: catalog.search_customers(s, actor, q, limit))
        return ranked_page(ranked, customer_out)
    after = decode_cursor(cursor)
    found = ctx.read(lambda s, actor: catalog.list_customers(s, actor, after, limit))
    items = [customer_out(customer) for customer in found]
    next_cursor = encode_cursor(items[-1].code) if len(items) == limit else None
    return Page[CustomerOut](items=items, next_cursor=next_cursor)


@router.get("/{code}", response_model=CustomerOut)
def get_customer(ctx: Ctx, code: CodePath) -> CustomerOut:
    return ctx.read(lambda s, actor: customer_out(catalog.get_customer(s, actor, code.upper())))


@router.get("/{code}/credit", response_model=CreditOut)
def get_credit(ctx: Ctx, code: CodePath) -> CreditOut:
    credit = ctx.read(lambda s, actor: catalog.customer_credit(s, actor, code.upper()))
    return CreditOut(
        customer_code=code.upper(),
        credit_limit=to_money(credit.credit_limit),
        exposure=credit.exposure,
        available=credit.available,
    )


@router.post("", status_code=201, response_model=CustomerOut)
def create_customer(ctx: Ctx, body: CustomerCreate, key: IdempotencyKey = None) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: customer_out(
            catalog.create_customer(s, actor, body.model_dump(), now)
        ),
        status_code=201,
        idempotency_key=key,
        body=body,
    )


@router.patch("/{code}", response_model=CustomerOut)
def update_customer(
    ctx: Ctx, code: CodePath, body: CustomerPatch, key: IdempotencyKey = None
) -> JSONResponse:
    fields = body.model_dump(exclude_unset=True)
    return ctx.write(
        lambda s, actor, _now: customer_out(
            catalog.update_customer(s, actor, code.upper(), fields)
        ),
        idempotency_key=key,
        body=body,
    )
